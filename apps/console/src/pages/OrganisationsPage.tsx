import { useEffect, useRef, useState, type FormEvent } from 'react';
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { REGISTER_ORGANISATION, type OrganisationHit } from '../api';
import { useAnnouncer } from '../announcer';
import { useMutationRunner } from '../command';
import { AdminNav } from '../components/AdminNav';
import { Checkboxes } from '../components/Checkboxes';
import { ErrorSummary } from '../components/ErrorSummary';
import { FieldMessage, fieldAria, messageOf, type FieldError } from '../components/FieldMessage';
import { ModalDialog } from '../components/ModalDialog';
import { Badge, ErrorBox, PageTitle, Section, SendOrCancel, SubmitButton, focusLater } from '../components/ui';
import { FORBIDDEN_ADMIN, FORBIDDEN_NETWORK_DIRECTORY, frenchMessage, messageFor, type ErrorInfo } from '../errors';
import { ESS_BY_DEFAULT_KINDS, ORGANISATION_KINDS, organisationKindLabelsFr, type OrganisationKind } from '../labels';
import { departementName, regionName } from '../territory';
import { DepartementOptions, RegionOptions } from '../components/TerritoryOptions';
import { useSession } from '../session-context';

const MAX = 100;
const DEBOUNCE_MS = 300;
/** The directory is a read model: a new organisation, or a change, shows up once it has caught up (usually at once). */
const APPEAR_ATTEMPTS = 12;
const APPEAR_DELAY_MS = 500;

/** An entry of the directory with its version (what `updateOrganisation` expects) and its networks. */
interface DirectoryEntry extends OrganisationHit {
  version: number;
  networkIds: string[];
  /** The networks the directory holds, named (in the order of networkIds). */
  networks: { id: string; name: string }[];
}
const ENTRY_FIELDS = 'id name kind kindLabel ess regionCode departementCode siret version networkIds networks { id name }';
const DIRECTORY: TypedDocumentNode<{ organisations: DirectoryEntry[] }, { search?: string | null; region?: string | null; kind?: string | null; first?: number }> = gql`
  query OrganisationDirectory($search: String, $region: String, $kind: OrganisationKind, $first: Int) {
    organisations(search: $search, region: $region, kind: $kind, first: $first) { ${ENTRY_FIELDS} }
  }
`;
/** The networks an organisation may belong to (the API's limit per answer; a network is never in its own list). */
const NETWORKS: TypedDocumentNode<{ organisations: { id: string; name: string }[] }, { first: number }> = gql`
  query NetworkChoices($first: Int) {
    organisations(kind: NETWORK, first: $first) { id name }
  }
`;
/** The API's limit on an organisation's networks. */
const MAX_NETWORKS = 20;
const DIRECTORY_ENTRY: TypedDocumentNode<{ organisation: DirectoryEntry | null }, { id: string }> = gql`
  query OrganisationDirectoryEntry($id: ID!) {
    organisation(id: $id) { ${ENTRY_FIELDS} }
  }
`;
/** Only the fields given change; `siret: null` clears it. */
interface UpdateOrganisationInput {
  organisationId: string;
  expectedVersion: number;
  idempotencyKey: string;
  name?: string;
  kind?: OrganisationKind;
  ess?: boolean;
  regionCode?: string;
  departementCode?: string;
  siret?: string | null;
  networkIds?: string[];
}
const UPDATE_ORGANISATION: TypedDocumentNode<{ updateOrganisation: { organisationId: string; version: number; eventTypes: string[] } }, { input: UpdateOrganisationInput }> = gql`
  mutation UpdateOrganisation($input: UpdateOrganisationInput!) {
    updateOrganisation(input: $input) { organisationId version eventTypes }
  }
`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Filters {
  search: string;
  region: string;
  kind: string;
}

/** The platform's other parties: only operators register them or change their entries (the API refuses networks). */
const PARTY_KINDS: readonly OrganisationKind[] = ['FUNDER', 'NETWORK'];

/**
 * What the signed-in user may do in the directory. Operators: everything, everywhere. Networks: the
 * organisations of their régions (`regions`), neither funders nor networks, never their own entry,
 * never moved out of their régions (the API enforces the same rules and answers FORBIDDEN).
 */
interface DirectoryScope {
  /** null: every région (operators). */
  regions: readonly string[] | null;
  /** The kinds the user may register an organisation with. */
  kinds: readonly OrganisationKind[];
  /** The kinds the user may give this entry (its own kind alone: the kind is locked). */
  editKinds: (entry: DirectoryEntry) => readonly OrganisationKind[];
  /** Whether the user may edit this entry. */
  mayEdit: (entry: DirectoryEntry) => boolean;
  /** Why the user may not edit it (shown in place of « Modifier »). */
  whyNot: (entry: DirectoryEntry) => string;
  forbidden: string;
}

function useDirectoryScope(): DirectoryScope {
  const { session } = useSession();
  const { role, regions, organisationId } = session.user;
  if (role === 'ADMIN') return { regions: null, kinds: ORGANISATION_KINDS, editKinds: () => ORGANISATION_KINDS, mayEdit: () => true, whyNot: () => '', forbidden: FORBIDDEN_ADMIN };
  const mine = regions;
  const kinds = ORGANISATION_KINDS.filter((k) => !PARTY_KINDS.includes(k));
  return {
    regions: mine,
    kinds,
    // Local authorities may be solicited for funding: a network corrects their entry but changes no
    // kind to or from LOCAL_AUTHORITY (an operator does; the API refuses it).
    editKinds: (e) => (e.kind === 'LOCAL_AUTHORITY' ? ['LOCAL_AUTHORITY'] : kinds.filter((k) => k !== 'LOCAL_AUTHORITY')),
    mayEdit: (e) => e.id !== organisationId && !PARTY_KINDS.includes(e.kind as OrganisationKind) && mine.includes(e.regionCode),
    whyNot: (e) =>
      e.id === organisationId
        ? 'Votre organisation : modifiable par un opérateur'
        : PARTY_KINDS.includes(e.kind as OrganisationKind)
          ? 'Financeurs et réseaux : modifiables par un opérateur'
          : 'Hors de vos régions',
    forbidden: FORBIDDEN_NETWORK_DIRECTORY,
  };
}

/** The région a network's filter and forms start on: its only one, if it follows a single région. */
const singleRegion = (scope: DirectoryScope): string => (scope.regions?.length === 1 ? scope.regions[0] : '');

/**
 * Search the organisation directory, register organisations and edit them: platform operators
 * (Administration › Organisations), and networks for the organisations of their régions.
 */
export function OrganisationsPage() {
  const client = useApolloClient();
  const { announce } = useAnnouncer();
  const scope = useDirectoryScope();
  const operator = scope.regions === null;
  const [filters, setFilters] = useState<Filters>(() => ({ search: '', region: singleRegion(scope), kind: '' }));
  const [hits, setHits] = useState<DirectoryEntry[] | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ entry: DirectoryEntry; trigger: HTMLElement | null } | null>(null);
  const request = useRef(0);
  /** An organisation just registered: the next search waits until the directory shows it. */
  const expecting = useRef<string | null>(null);
  /** An organisation just changed: the next search waits until the directory no longer shows an older version of it. */
  const changed = useRef<{ id: string; version: number } | null>(null);

  const search = async (f: Filters): Promise<void> => {
    const mine = ++request.current;
    const expect = expecting.current;
    const update = changed.current;
    const term = f.search.trim();
    // A network sees its régions: one search per région (the directory filters on one), merged by name.
    const regions = f.region ? [f.region] : (scope.regions ?? [null]);
    for (let attempt = 0; ; attempt++) {
      try {
        const answers = await Promise.all(
          regions.map((region) =>
            client.query({
              query: DIRECTORY,
              variables: { first: MAX, ...(term ? { search: term } : {}), ...(region ? { region } : {}), ...(f.kind ? { kind: f.kind } : {}) },
              fetchPolicy: 'network-only',
            }),
          ),
        );
        if (mine !== request.current) return;
        const lists = answers.map(({ data }) => data?.organisations ?? []);
        const truncated = lists.some((l) => l.length >= MAX);
        const found = lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => a.name.localeCompare(b.name, 'fr'));
        const behind = (expect && !found.some((o) => o.id === expect)) || (update && found.some((o) => o.id === update.id && o.version < update.version));
        if (behind && attempt < APPEAR_ATTEMPTS) {
          await wait(APPEAR_DELAY_MS);
          continue;
        }
        expecting.current = null;
        changed.current = null;
        setHits(found);
        setError(null);
        setStatus(
          found.length === 0
            ? 'Aucune organisation ne correspond à ces critères.'
            : truncated
              ? `${found.length} premières organisations affichées : précisez la recherche pour trouver les autres.`
              : `${found.length} organisation${found.length > 1 ? 's' : ''} trouvée${found.length > 1 ? 's' : ''}.`,
        );
        return;
      } catch (e) {
        if (mine !== request.current) return;
        setHits(null);
        setError(frenchMessage(e, { forbidden: scope.forbidden }));
        setStatus('');
        return;
      }
    }
  };

  // Only the filters trigger a new search (debounced while typing).
  useEffect(() => {
    const timer = setTimeout(() => void search(filters), filters.search && !expecting.current ? DEBOUNCE_MS : 0);
    return () => clearTimeout(timer);
  }, [filters]);

  const set = (key: keyof Filters) => (value: string) => setFilters((f) => ({ ...f, [key]: value }));

  /** Back to the row's “Modifier”, or to the list's title when the row is no longer listed (renamed out of the search, say). */
  const focusRow = (id: string) =>
    setTimeout(() => {
      const button = document.querySelector<HTMLButtonElement>(`[data-organisation-id="${id}"] [data-action="edit"]`);
      if (button) button.focus();
      else focusLater('annuaire-titre');
    }, 0);
  const closeEditor = () => {
    const trigger = editing?.trigger;
    setEditing(null);
    setTimeout(() => trigger?.focus(), 0);
  };

  if (!operator && scope.regions?.length === 0)
    return (
      <>
        <PageTitle>Organisations de vos régions</PageTitle>
        <p className="notice" data-testid="organisations-no-region">
          Aucune région ne vous est attribuée : demandez à un opérateur de la plateforme de vous en attribuer une pour enregistrer et modifier ses organisations.
        </p>
      </>
    );
  return (
    <>
      <PageTitle>{operator ? 'Organisations' : 'Organisations de vos régions'}</PageTitle>
      {operator ? (
        <AdminNav />
      ) : (
        <p className="lead" data-testid="organisations-scope">
          Vous enregistrez et modifiez les organisations de {scope.regions!.length > 1 ? 'vos régions' : 'votre région'} ({scope.regions!.map(regionName).join(', ')}). Les financeurs, les réseaux et la fiche de votre propre organisation sont gérés par les opérateurs de la plateforme.
        </p>
      )}
      <Section title="Annuaire des organisations" id="annuaire">
        <form className="filters filters--top" role="search" aria-label="Rechercher dans l’annuaire" onSubmit={(e) => (e.preventDefault(), void search(filters))}>
          <div className="field">
            <label htmlFor="o-search">Nom ou SIRET</label>
            <input id="o-search" className="input--search" type="search" autoComplete="off" value={filters.search} onChange={(e) => set('search')(e.target.value)} aria-describedby="o-search-aide" />
            <p id="o-search-aide" className="hint">
              Les accents et les majuscules sont ignorés.
            </p>
          </div>
          <div className="field">
            <label htmlFor="o-region">Région</label>
            <select id="o-region" value={filters.region} onChange={(e) => set('region')(e.target.value)}>
              {(operator || scope.regions!.length > 1) && <option value="">{operator ? 'Toutes les régions' : 'Toutes vos régions'}</option>}
              <RegionOptions only={scope.regions} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="o-kind">Type</label>
            <select id="o-kind" value={filters.kind} onChange={(e) => set('kind')(e.target.value)}>
              <option value="">Tous les types</option>
              {ORGANISATION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {organisationKindLabelsFr[k]}
                </option>
              ))}
            </select>
          </div>
        </form>
        <p role="status" className="hint" data-testid="organisations-count">
          {status}
        </p>
        {error && <ErrorBox>{error}</ErrorBox>}
        {hits && hits.length > 0 && (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="organisations-caption">
            <table className="table" data-testid="organisations-table">
              <caption id="organisations-caption" className="visually-hidden">
                Organisations de l’annuaire correspondant à la recherche
              </caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Type</th>
                  <th scope="col">ESS</th>
                  <th scope="col">SIRET</th>
                  <th scope="col">Localisation</th>
                  <th scope="col">Réseaux</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {hits.map((o) => (
                  <tr key={o.id} data-organisation-id={o.id} className={o.id === highlight ? 'row--new' : undefined}>
                    <th scope="row">
                      {o.name}
                      {o.id === highlight && <Badge tone="ok">nouvelle</Badge>}
                    </th>
                    <td>{o.kindLabel}</td>
                    <td>{o.ess ? 'Oui' : 'Non'}</td>
                    <td>{o.siret ?? '—'}</td>
                    <td>
                      {departementName(o.departementCode)} ({regionName(o.regionCode)})
                    </td>
                    <td>{networkNames(o)}</td>
                    <td>
                      {scope.mayEdit(o) ? (
                        <button type="button" className="button button--small" data-action="edit" onClick={(e) => setEditing({ entry: o, trigger: e.currentTarget })}>
                          Modifier<span className="visually-hidden"> l’organisation {o.name}</span>
                        </button>
                      ) : (
                        <span className="muted small" data-testid="not-editable">
                          {scope.whyNot(o)}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <RegisterOrganisationForm
        scope={scope}
        onRegistered={(id, name) => {
          // Show the new entry: search its name, waiting until the directory has it.
          expecting.current = id;
          setHighlight(id);
          setFilters({ search: name, region: singleRegion(scope), kind: '' });
        }}
      />
      {editing && (
        <EditOrganisationDialog
          scope={scope}
          entry={editing.entry}
          onCancel={closeEditor}
          onSaved={async (id, name, version) => {
            const trigger = editing.trigger;
            setEditing(null);
            // Back on the row's button at once; again once the list is fetched (the row may have left it).
            setTimeout(() => trigger?.focus(), 0);
            if (version === null) {
              announce(`Aucune modification : l’organisation « ${name} » est inchangée.`, 'success');
              focusRow(id);
              return;
            }
            announce(`Organisation « ${name} » modifiée.`, 'success');
            // The list shows the change once the directory has it (the same search, waiting for it).
            changed.current = { id, version };
            await search(filters);
            focusRow(id);
          }}
        />
      )}
    </>
  );
}

interface Draft {
  name: string;
  kind: OrganisationKind | '';
  /** null: the default of the kind. */
  ess: boolean | null;
  regionCode: string;
  departementCode: string;
  siret: string;
  /** The networks it belongs to (edit dialog only; a registration names none). */
  networkIds: string[];
}
const EMPTY: Draft = { name: '', kind: '', ess: null, regionCode: '', departementCode: '', siret: '', networkIds: [] };
type Field = 'name' | 'kind' | 'regionCode' | 'departementCode' | 'siret' | 'networkIds';

/** The names of an entry's networks, as the directory lists them (“—” for none). */
function networkNames(e: DirectoryEntry): string {
  const named = new Map(e.networks.map((n) => [n.id, n.name]));
  return e.networkIds.map((id) => named.get(id) ?? 'réseau inconnu').join(', ') || '—';
}

/** The same networks, whatever the order they were ticked in. */
const sameNetworks = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));

/** The API's limit on an organisation's name. */
const MAX_NAME = 300;

function validate(d: Draft): { field: Field; message: string }[] {
  const errors: { field: Field; message: string }[] = [];
  if (d.name.trim().length < 2) errors.push({ field: 'name', message: 'Indiquez le nom de l’organisation (2 caractères au moins).' });
  else if (d.name.trim().length > MAX_NAME) errors.push({ field: 'name', message: `Le nom de l’organisation compte au plus ${MAX_NAME} caractères.` });
  if (!d.kind) errors.push({ field: 'kind', message: 'Choisissez le type d’organisation.' });
  if (!d.regionCode) errors.push({ field: 'regionCode', message: 'Choisissez la région.' });
  if (!d.departementCode) errors.push({ field: 'departementCode', message: 'Choisissez le département.' });
  const siret = d.siret.replace(/\s/g, '');
  if (siret && !/^\d{14}$/.test(siret)) errors.push({ field: 'siret', message: 'Le SIRET comporte 14 chiffres (ou laissez le champ vide).' });
  if (d.networkIds.length > MAX_NETWORKS)
    errors.push({ field: 'networkIds', message: `Une organisation appartient à ${MAX_NETWORKS} réseaux au plus : décochez-en ${d.networkIds.length - MAX_NETWORKS}.` });
  return errors;
}

function RegisterOrganisationForm({ scope, onRegistered }: { scope: DirectoryScope; onRegistered: (id: string, name: string) => void }) {
  const { send, pending } = useMutationRunner({ forbidden: scope.forbidden });
  const empty: Draft = { ...EMPTY, regionCode: singleRegion(scope) };
  const [d, setD] = useState<Draft>(empty);
  const [errors, setErrors] = useState<{ field: Field; message: string }[]>([]);
  const invalid = (field: Field) => (errors.some((e) => e.field === field) ? true : undefined);
  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const essDefault = d.kind ? ESS_BY_DEFAULT_KINDS.includes(d.kind) : false;
  const ess = d.ess ?? essDefault;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const found = validate(d);
    setErrors(found);
    if (found.length || !d.kind) return;
    const organisationId = crypto.randomUUID();
    const siret = d.siret.replace(/\s/g, '');
    const input = {
      organisationId,
      idempotencyKey: `register-${organisationId}`,
      name: d.name.trim(),
      kind: d.kind,
      ess,
      regionCode: d.regionCode,
      departementCode: d.departementCode,
      ...(siret ? { siret } : {}),
    };
    const outcome = await send('registerOrganisation', REGISTER_ORGANISATION, { input }, `Organisation « ${input.name} » enregistrée dans l’annuaire.`);
    if (!outcome.ok) return;
    setD(empty);
    onRegistered(organisationId, input.name);
  };

  return (
    <Section title="Enregistrer une organisation" id="nouvelle-organisation">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Enregistrer une organisation" data-testid="register-organisation-form">
        <ErrorSummary errors={errors} testId="register-organisation-errors" />
        <div className="grid-2">
          <div className="field">
            <label htmlFor="org-name">Nom de l’organisation</label>
            <input id="org-name" autoComplete="off" value={d.name} onChange={(e) => update('name', e.target.value)} aria-invalid={invalid('name')} />
          </div>
          <div className="field">
            <label htmlFor="org-kind">Type d’organisation</label>
            <select
              id="org-kind"
              value={d.kind}
              onChange={(e) => setD((x) => ({ ...x, kind: e.target.value as OrganisationKind | '', ess: null }))}
              aria-invalid={invalid('kind')}
              aria-describedby={scope.regions ? 'org-kind-aide' : undefined}
            >
              <option value="">Choisir</option>
              {scope.kinds.map((k) => (
                <option key={k} value={k}>
                  {organisationKindLabelsFr[k]}
                </option>
              ))}
            </select>
            {scope.regions && (
              <p id="org-kind-aide" className="hint">
                Les financeurs et les réseaux sont enregistrés par les opérateurs de la plateforme.
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="org-region">Région</label>
            <select id="org-region" value={d.regionCode} onChange={(e) => setD((x) => ({ ...x, regionCode: e.target.value, departementCode: '' }))} aria-invalid={invalid('regionCode')}>
              <option value="">Choisir une région</option>
              <RegionOptions only={scope.regions} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="org-departement">Département</label>
            <select id="org-departement" value={d.departementCode} onChange={(e) => update('departementCode', e.target.value)} disabled={!d.regionCode} aria-invalid={invalid('departementCode')}>
              <option value="">{d.regionCode ? 'Choisir un département' : 'Choisissez d’abord la région'}</option>
              <DepartementOptions region={d.regionCode} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="org-siret">SIRET (facultatif)</label>
            <input id="org-siret" inputMode="numeric" autoComplete="off" value={d.siret} onChange={(e) => update('siret', e.target.value)} aria-describedby="org-siret-aide" aria-invalid={invalid('siret')} />
            <p id="org-siret-aide" className="hint">
              14 chiffres, vérifiés par la clé de Luhn.
            </p>
          </div>
          <div className="field">
            <label className="choice" htmlFor="org-ess">
              <input id="org-ess" type="checkbox" checked={ess} onChange={(e) => update('ess', e.target.checked)} aria-describedby="org-ess-aide" /> Structure de l’économie sociale et solidaire (ESS)
            </label>
            <p id="org-ess-aide" className="hint">
              {d.kind
                ? `Par défaut pour ce type : ${essDefault ? 'oui' : 'non'} (une entreprise agréée ESUS, par exemple, est de l’ESS).`
                : 'Prérempli selon le type choisi ; modifiable.'}
            </p>
          </div>
        </div>
        <div className="form__actions form__actions--start">
          <SubmitButton className="button button--primary" busy={pending !== null}>
            Enregistrer l’organisation
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}

/** The edit dialog's fields, in the order of the form (the focus goes to the first one in error). */
const EDIT_IDS: Record<Field, string> = {
  name: 'edit-org-name',
  kind: 'edit-org-kind',
  regionCode: 'edit-org-region',
  departementCode: 'edit-org-departement',
  siret: 'edit-org-siret',
  networkIds: 'edit-org-networks',
};
const EDIT_FIELDS = Object.keys(EDIT_IDS) as Field[];

const draftOf = (e: DirectoryEntry): Draft => ({
  name: e.name,
  kind: e.kind as OrganisationKind,
  ess: e.ess,
  regionCode: e.regionCode,
  departementCode: e.departementCode,
  siret: e.siret ?? '',
  networkIds: e.networkIds,
});

/**
 * After a conflict: the fields the user had not changed take the latest version's values, those
 * the user changed keep what was typed (the région and the département move together).
 */
function rebase(d: Draft, from: DirectoryEntry, to: DirectoryEntry): Draft {
  const before = draftOf(from);
  const after = draftOf(to);
  const pick = <K extends keyof Draft>(key: K): Draft[K] => (d[key] === before[key] ? after[key] : d[key]);
  const moved = d.regionCode !== before.regionCode || d.departementCode !== before.departementCode;
  return {
    name: pick('name'),
    kind: pick('kind'),
    ess: pick('ess'),
    siret: pick('siret'),
    networkIds: sameNetworks(d.networkIds, before.networkIds) ? after.networkIds : d.networkIds,
    regionCode: moved ? d.regionCode : after.regionCode,
    departementCode: moved ? d.departementCode : after.departementCode,
  };
}

/** What the form changes on the entry: only those fields are sent (the API leaves the others as they are). */
function changesOf(d: Draft, e: DirectoryEntry): Omit<UpdateOrganisationInput, 'organisationId' | 'expectedVersion' | 'idempotencyKey'> {
  const name = d.name.trim();
  const siret = d.siret.replace(/\s/g, '');
  const moved = d.regionCode !== e.regionCode || d.departementCode !== e.departementCode;
  return {
    ...(name !== e.name ? { name } : {}),
    ...(d.kind && d.kind !== e.kind ? { kind: d.kind } : {}),
    ...(d.ess !== null && d.ess !== e.ess ? { ess: d.ess } : {}),
    ...(moved ? { regionCode: d.regionCode, departementCode: d.departementCode } : {}),
    // Emptied: the organisation no longer has a SIRET (and it becomes free for another).
    ...(siret !== (e.siret ?? '') ? { siret: siret || null } : {}),
    // The whole list replaces the recorded one (those kept first, in their order, then those ticked).
    ...(!sameNetworks(d.networkIds, e.networkIds) ? { networkIds: [...e.networkIds.filter((id) => d.networkIds.includes(id)), ...d.networkIds.filter((id) => !e.networkIds.includes(id))] } : {}),
  };
}

/**
 * The field an API refusal is about, with its French message; null when it is about no field of the
 * form. `networkName(i)`: the name of the i-th network sent.
 */
function apiFieldError(error: ErrorInfo, networkName: (index: number) => string | undefined): FieldError<Field> | null {
  const field = error.extensions.field;
  if (field === 'siret' && error.code === 'ALREADY_EXISTS') return { field, message: 'Ce SIRET est déjà celui d’une autre organisation de l’annuaire.' };
  if (field === 'siret' && error.code === 'INVALID_SIRET') return { field, message: 'Ce SIRET n’est pas valide : 14 chiffres, dont le dernier est la clé de contrôle.' };
  if (field === 'departementCode' && error.code === 'INVALID_TERRITORY') return { field, message: 'Choisissez un département de la région choisie.' };
  if (field === 'regionCode' && error.code === 'INVALID_TERRITORY') return { field, message: 'Choisissez une région de la liste.' };
  // networkIds or networkIds[i] (i in the list sent): a network no longer in the directory or no longer one, itself, too many.
  const network = typeof field === 'string' ? /^networkIds(?:\[(\d+)\])?$/.exec(field) : null;
  if (network) {
    const name = network[1] === undefined ? null : (networkName(Number(network[1])) ?? 'l’un des réseaux cochés');
    // The domain's VALIDATION_FAILED reaches the console as BAD_USER_INPUT.
    const invalid = error.code === 'BAD_USER_INPUT' || error.code === 'VALIDATION_FAILED';
    const message =
      name && error.code === 'NOT_FOUND'
        ? `« ${name} » n’est pas dans l’annuaire : décochez-le.`
        : name && invalid
          ? `« ${name} » n’est pas une organisation de type réseau, ou c’est l’organisation elle-même : décochez-le.`
          : invalid
            ? `Une organisation appartient à ${MAX_NETWORKS} réseaux au plus.`
            : messageFor(error);
    return { field: 'networkIds', message };
  }
  if (typeof field === 'string' && (EDIT_FIELDS as string[]).includes(field)) return { field: field as Field, message: messageFor(error) };
  return null;
}

const CONFLICT =
  'Quelqu’un d’autre a modifié cette organisation pendant votre saisie. Les champs que vous n’aviez pas changés montrent maintenant sa dernière version, les vôtres sont conservés : vérifiez-les, puis enregistrez à nouveau.';
const CONFLICT_NOT_LOADED = 'Quelqu’un d’autre a modifié cette organisation pendant votre saisie, et l’annuaire ne montre pas encore sa dernière version. Votre saisie est conservée : réessayez dans un instant.';

/**
 * Edit an organisation of the directory: name, type, ESS status, région and département, SIRET
 * (emptied: removed). Sends only what changed, with the version the directory showed
 * (`expectedVersion`); the API's refusals that name a field are shown at that field, which takes
 * the focus, the others inside the dialog (the page's live regions are inert behind it).
 */
function EditOrganisationDialog({
  scope,
  entry,
  onSaved,
  onCancel,
}: {
  scope: DirectoryScope;
  entry: DirectoryEntry;
  /** `version`: the organisation's after the change, null when nothing changed. */
  onSaved: (id: string, name: string, version: number | null) => Promise<void>;
  onCancel: () => void;
}) {
  const client = useApolloClient();
  const { send, pending } = useMutationRunner({ forbidden: scope.forbidden }, { announceErrors: false });
  /** The entry the changes are made on: the one listed, or its latest version after a conflict. */
  const [base, setBase] = useState(entry);
  const [d, setD] = useState<Draft>(() => draftOf(entry));
  const [errors, setErrors] = useState<FieldError<Field>[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [reloading, setReloading] = useState(false);
  const nonce = useRef(crypto.randomUUID());
  /** The organisations of kind NETWORK it may belong to (null while loading), or why they could not be read. */
  const [networks, setNetworks] = useState<{ id: string; name: string }[] | null>(null);
  const [networksFailure, setNetworksFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    client
      .query({ query: NETWORKS, variables: { first: MAX }, fetchPolicy: 'network-only' })
      .then(({ data }) => current && setNetworks(data?.organisations ?? []))
      .catch((e: unknown) => current && setNetworksFailure(frenchMessage(e, { forbidden: scope.forbidden })));
    return () => {
      current = false;
    };
  }, [client]);
  /** The choices: every network but the organisation itself, and those it belongs to that the list lacks (named as the directory names them). */
  const networkChoices = (() => {
    const named = new Map<string, string>([...base.networks, ...(networks ?? [])].map((n) => [n.id, n.name]));
    const ids = [...(networks ?? []).map((n) => n.id).filter((id) => id !== entry.id), ...d.networkIds.filter((id) => !networks?.some((n) => n.id === id))];
    return { ids: [...new Set(ids)], labels: Object.fromEntries(ids.map((id) => [id, named.get(id) ?? `Réseau inconnu (${id})`])) };
  })();
  const toggleNetwork = (id: string) => setD((x) => ({ ...x, networkIds: x.networkIds.includes(id) ? x.networkIds.filter((n) => n !== id) : [...x.networkIds, id] }));
  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const errorOf = (field: Field) => messageOf(errors, field);
  // Once the field carries its error in its description: focusing it then reads both.
  const focusField = (field: Field) => focusLater(EDIT_IDS[field]);
  const essDefault = d.kind ? ESS_BY_DEFAULT_KINDS.includes(d.kind) : false;
  const ess = d.ess ?? essDefault;
  const busy = pending !== null || reloading;

  /** After a conflict: the entry as the directory has it once it shows the version the API named. */
  const reload = async (atLeast: number): Promise<DirectoryEntry | null> => {
    for (let attempt = 0; attempt < APPEAR_ATTEMPTS; attempt++) {
      const { data } = await client.query({ query: DIRECTORY_ENTRY, variables: { id: entry.id }, fetchPolicy: 'network-only' }).catch(() => ({ data: undefined }));
      const latest = data?.organisation;
      if (!latest) return null;
      if (latest.version >= atLeast) return latest;
      await wait(APPEAR_DELAY_MS);
    }
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = validate(d);
    setErrors(found);
    setFailure(null);
    const first = EDIT_FIELDS.find((f) => found.some((e) => e.field === f));
    if (first) {
      focusField(first);
      return;
    }
    const changes = changesOf(d, base);
    if (Object.keys(changes).length === 0) {
      await onSaved(entry.id, base.name, null);
      return;
    }
    const input: UpdateOrganisationInput = {
      organisationId: entry.id,
      expectedVersion: base.version,
      // A retry of this very request (an answer lost on the way) is recognised rather than refused as a conflict.
      idempotencyKey: `update-${entry.id}-${base.version}-${nonce.current}`,
      ...changes,
    };
    const outcome = await send('updateOrganisation', UPDATE_ORGANISATION, { input });
    if (outcome.ok && outcome.data) {
      const result = outcome.data.updateOrganisation;
      await onSaved(entry.id, changes.name ?? base.name, result.eventTypes.length ? result.version : null);
      return;
    }
    const error = outcome.error;
    if (!error || error.code === 'UNAUTHENTICATED') return;
    const atField = apiFieldError(error, (i) => {
      const id = input.networkIds?.[i];
      return id === undefined ? undefined : networkChoices.labels[id];
    });
    if (atField) {
      setErrors([atField]);
      focusField(atField.field);
      return;
    }
    if (error.code === 'CONCURRENCY_CONFLICT') {
      setReloading(true);
      const latest = await reload(Number(error.extensions.currentVersion) || base.version + 1);
      setReloading(false);
      if (latest) {
        setD((typed) => rebase(typed, base, latest));
        setBase(latest);
        // A new request on the new version: a key of its own.
        nonce.current = crypto.randomUUID();
      }
      setFailure(latest ? CONFLICT : CONFLICT_NOT_LOADED);
      return;
    }
    setFailure(messageFor(error, { forbidden: scope.forbidden }));
  };

  const aria = (field: Field, ...hintIds: string[]) => fieldAria(EDIT_IDS[field], errorOf(field), ...hintIds);
  const message = (field: Field) => <FieldMessage id={EDIT_IDS[field]} message={errorOf(field)} />;
  const latest = base !== entry ? base : null;
  return (
    <ModalDialog title={`Modifier l’organisation « ${entry.name} »`} onCancel={onCancel} describedBy="edit-org-texte" wide testId="edit-organisation-dialog">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={`Modifier l’organisation « ${entry.name} »`}>
        <p id="edit-org-texte">Seuls les champs que vous changez sont enregistrés. L’annuaire, et les coopérations qui nomment l’organisation, montrent le changement aussitôt.</p>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={EDIT_IDS.name}>Nom de l’organisation</label>
            <input id={EDIT_IDS.name} autoComplete="off" value={d.name} onChange={(e) => update('name', e.target.value)} {...aria('name')} />
            {message('name')}
          </div>
          {scope.editKinds(entry).length === 1 ? (
            <div className="field" data-testid="edit-kind-locked">
              <p>
                <strong>Type d’organisation :</strong> {organisationKindLabelsFr[scope.editKinds(entry)[0]]}
              </p>
              <p className="hint">Une collectivité peut être sollicitée pour un financement : seul un opérateur change son type.</p>
            </div>
          ) : (
            <div className="field">
              <label htmlFor={EDIT_IDS.kind}>Type d’organisation</label>
              <select id={EDIT_IDS.kind} value={d.kind} onChange={(e) => update('kind', e.target.value as OrganisationKind)} {...aria('kind')}>
                {scope.editKinds(entry).map((k) => (
                  <option key={k} value={k}>
                    {organisationKindLabelsFr[k]}
                  </option>
                ))}
              </select>
              {message('kind')}
            </div>
          )}
          <div className="field">
            <label htmlFor={EDIT_IDS.regionCode}>Région</label>
            <select id={EDIT_IDS.regionCode} value={d.regionCode} onChange={(e) => setD((x) => ({ ...x, regionCode: e.target.value, departementCode: '' }))} {...aria('regionCode')}>
              <RegionOptions only={scope.regions} />
            </select>
            {message('regionCode')}
          </div>
          <div className="field">
            <label htmlFor={EDIT_IDS.departementCode}>Département</label>
            <select id={EDIT_IDS.departementCode} value={d.departementCode} onChange={(e) => update('departementCode', e.target.value)} {...aria('departementCode')}>
              <option value="">Choisir un département</option>
              <DepartementOptions region={d.regionCode} />
            </select>
            {message('departementCode')}
          </div>
          <div className="field">
            <label htmlFor={EDIT_IDS.siret}>SIRET (facultatif)</label>
            <input id={EDIT_IDS.siret} inputMode="numeric" autoComplete="off" value={d.siret} onChange={(e) => update('siret', e.target.value)} {...aria('siret', 'edit-org-siret-aide')} />
            <p id="edit-org-siret-aide" className="hint">
              14 chiffres, vérifiés par la clé de Luhn. Videz le champ pour retirer le SIRET : il pourra alors être donné à une autre organisation.
            </p>
            {message('siret')}
          </div>
          <div className="field">
            <label className="choice" htmlFor="edit-org-ess">
              <input id="edit-org-ess" type="checkbox" checked={ess} onChange={(e) => update('ess', e.target.checked)} aria-describedby="edit-org-ess-aide" /> Structure de l’économie sociale et solidaire (ESS)
            </label>
            <p id="edit-org-ess-aide" className="hint">
              Par défaut pour ce type : {essDefault ? 'oui' : 'non'}. Changer le type ne change pas cette case.
            </p>
          </div>
        </div>
        {networks === null && networksFailure === null && (
          <p className="loading" role="status">
            Chargement des réseaux…
          </p>
        )}
        {networksFailure !== null && (
          <p className="field__error" data-testid="edit-org-networks-failure">
            Les réseaux n’ont pas pu être chargés : {networksFailure} Les autres champs peuvent être enregistrés.
          </p>
        )}
        {networks !== null &&
          (networkChoices.ids.length ? (
            <Checkboxes
              id={EDIT_IDS.networkIds}
              legend={`Réseaux dont elle est membre (${MAX_NETWORKS} au plus)`}
              name="networkIds"
              values={networkChoices.ids}
              labels={networkChoices.labels}
              checked={d.networkIds}
              onToggle={toggleNetwork}
              columns
              error={errorOf('networkIds')}
            />
          ) : (
            <p className="hint" data-testid="edit-org-no-network">
              Aucune organisation de type réseau dans l’annuaire : enregistrez d’abord le réseau.
            </p>
          ))}
        {failure && (
          <div className="error-box" role="alert" data-testid="edit-organisation-failure">
            <p>{failure}</p>
            {latest && failure === CONFLICT && (
              <p data-testid="edit-organisation-latest">
                Dans l’annuaire maintenant : {latest.name} ; {latest.kindLabel} ; ESS : {latest.ess ? 'oui' : 'non'} ; SIRET : {latest.siret ?? 'aucun'} ; {departementName(latest.departementCode)} (
                {regionName(latest.regionCode)}) ; réseaux : {latest.networkIds.length ? networkNames(latest) : 'aucun'}.
              </p>
            )}
          </div>
        )}
        <SendOrCancel className="dialog__actions" busy={busy} onCancel={onCancel}>
          Enregistrer les modifications
        </SendOrCancel>
      </form>
    </ModalDialog>
  );
}
