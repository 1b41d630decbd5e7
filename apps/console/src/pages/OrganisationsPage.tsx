import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { ORGANISATIONS, REGISTER_ORGANISATION, type OrganisationHit } from '../api';
import { useMutationRunner } from '../command';
import { AdminNav } from '../components/AdminNav';
import { ErrorSummary } from '../components/ErrorSummary';
import { Badge, ErrorBox, PageTitle, Section, SubmitButton } from '../components/ui';
import { FORBIDDEN_ADMIN, frenchMessage } from '../errors';
import { ESS_BY_DEFAULT_KINDS, ORGANISATION_KINDS, organisationKindLabelsFr, type OrganisationKind } from '../labels';
import { departementName, regionName } from '../territory';
import { DepartementOptions, RegionOptions } from '../components/TerritoryOptions';

const MAX = 100;
const DEBOUNCE_MS = 300;
/** The directory is a read model: a new organisation shows up once it has caught up (usually at once). */
const APPEAR_ATTEMPTS = 12;
const APPEAR_DELAY_MS = 500;

interface Filters {
  search: string;
  region: string;
  kind: string;
}

/** Platform operators: search the organisation directory and register organisations. */
export function OrganisationsPage() {
  const client = useApolloClient();
  const [filters, setFilters] = useState<Filters>({ search: '', region: '', kind: '' });
  const [hits, setHits] = useState<OrganisationHit[] | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const request = useRef(0);
  /** An organisation just registered: the next search waits until the directory shows it. */
  const expecting = useRef<string | null>(null);

  const search = async (f: Filters): Promise<void> => {
    const mine = ++request.current;
    const expect = expecting.current;
    const term = f.search.trim();
    for (let attempt = 0; ; attempt++) {
      try {
        const { data } = await client.query({
          query: ORGANISATIONS,
          variables: { first: MAX, ...(term ? { search: term } : {}), ...(f.region ? { region: f.region } : {}), ...(f.kind ? { kind: f.kind } : {}) },
          fetchPolicy: 'network-only',
        });
        if (mine !== request.current) return;
        const found = data?.organisations ?? [];
        if (expect && !found.some((o) => o.id === expect) && attempt < APPEAR_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, APPEAR_DELAY_MS));
          continue;
        }
        expecting.current = null;
        setHits(found);
        setError(null);
        setStatus(
          found.length === 0
            ? 'Aucune organisation ne correspond à ces critères.'
            : found.length >= MAX
              ? `${MAX} premières organisations affichées : précisez la recherche pour trouver les autres.`
              : `${found.length} organisation${found.length > 1 ? 's' : ''} trouvée${found.length > 1 ? 's' : ''}.`,
        );
        return;
      } catch (e) {
        if (mine !== request.current) return;
        setHits(null);
        setError(frenchMessage(e, { forbidden: FORBIDDEN_ADMIN }));
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

  return (
    <>
      <PageTitle>Organisations</PageTitle>
      <AdminNav />
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
              <option value="">Toutes les régions</option>
              <RegionOptions />
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
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <RegisterOrganisationForm
        onRegistered={(id, name) => {
          // Show the new entry: search its name, waiting until the directory has it.
          expecting.current = id;
          setHighlight(id);
          setFilters({ search: name, region: '', kind: '' });
        }}
      />
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
}
const EMPTY: Draft = { name: '', kind: '', ess: null, regionCode: '', departementCode: '', siret: '' };
type Field = 'name' | 'kind' | 'regionCode' | 'departementCode' | 'siret';

function validate(d: Draft): { field: Field; message: string }[] {
  const errors: { field: Field; message: string }[] = [];
  if (d.name.trim().length < 2) errors.push({ field: 'name', message: 'Indiquez le nom de l’organisation (2 caractères au moins).' });
  if (!d.kind) errors.push({ field: 'kind', message: 'Choisissez le type d’organisation.' });
  if (!d.regionCode) errors.push({ field: 'regionCode', message: 'Choisissez la région.' });
  if (!d.departementCode) errors.push({ field: 'departementCode', message: 'Choisissez le département.' });
  const siret = d.siret.replace(/\s/g, '');
  if (siret && !/^\d{14}$/.test(siret)) errors.push({ field: 'siret', message: 'Le SIRET comporte 14 chiffres (ou laissez le champ vide).' });
  return errors;
}

function RegisterOrganisationForm({ onRegistered }: { onRegistered: (id: string, name: string) => void }) {
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN });
  const [d, setD] = useState<Draft>(EMPTY);
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
    setD(EMPTY);
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
            <select id="org-kind" value={d.kind} onChange={(e) => setD((x) => ({ ...x, kind: e.target.value as OrganisationKind | '', ess: null }))} aria-invalid={invalid('kind')}>
              <option value="">Choisir</option>
              {ORGANISATION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {organisationKindLabelsFr[k]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="org-region">Région</label>
            <select id="org-region" value={d.regionCode} onChange={(e) => setD((x) => ({ ...x, regionCode: e.target.value, departementCode: '' }))} aria-invalid={invalid('regionCode')}>
              <option value="">Choisir une région</option>
              <RegionOptions />
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
