import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { CREATE_USER, DELETE_USER, DISABLE_USER, ENABLE_USER, USERS, type UserAccountView } from '../api';
import { useMutationRunner } from '../command';
import { AdminNav } from '../components/AdminNav';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { OrganisationCombobox, type PickedOrganisation } from '../components/OrganisationCombobox';
import { Badge, ErrorBox, Loading, PageTitle, Section } from '../components/ui';
import { FORBIDDEN_ADMIN, frenchMessage } from '../errors';
import { formatShortDate, plural } from '../format';
import { roleLabelsFr, type Role } from '../session';
import { useSession } from '../session-context';
import { REGIONS, regionName } from '../territory';

const ROLES: Role[] = ['MEMBER', 'NETWORK', 'FUNDER', 'ADMIN'];
const ROLE_HINTS: Record<Role, string> = {
  MEMBER: 'Salarié d’une structure membre : fait avancer les coopérations de sa structure.',
  NETWORK: 'Suit les coopérations des régions choisies et enregistre les accompagnements.',
  FUNDER: 'Suit ce que son organisation finance ; accorde et verse ses propres financements.',
  ADMIN: 'Gère les comptes et l’annuaire ; n’appartient à aucune organisation.',
};
const ORGANISATION_HINTS: Record<Exclude<Role, 'ADMIN'>, string> = {
  MEMBER: 'La structure membre où travaille la personne. Tapez au moins deux lettres de son nom, ou son SIRET.',
  NETWORK: 'Le réseau ou la tête de réseau de la personne. Tapez au moins deux lettres de son nom, ou son SIRET.',
  FUNDER: 'L’organisation qui finance. Tapez au moins deux lettres de son nom, ou son SIRET.',
};
const MIN_PASSWORD = 12;
/** A network follows régions (two-digit INSEE codes); the overseas collectivités are not régions. */
const NETWORK_REGIONS = REGIONS.filter((r) => /^\d{2}$/.test(r.code));
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STATUS_LABELS: Record<UserAccountView['status'], string> = { ACTIVE: 'Actif', DISABLED: 'Désactivé', DELETED: 'Supprimé' };

type Action = 'disable' | 'enable' | 'delete';
const displayName = (u: UserAccountView) => u.name ?? u.email ?? 'compte sans nom';

/** Platform operators: every account, its role, organisation and régions; create, disable, re-enable, delete. */
export function UsersPage() {
  const { session } = useSession();
  const { data, loading, error, refetch } = useQuery(USERS, { fetchPolicy: 'network-only' });
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [confirm, setConfirm] = useState<{ user: UserAccountView; action: Action; trigger: HTMLElement | null } | null>(null);
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN });
  const heading = useRef<HTMLHeadingElement>(null);

  const users = data?.users ?? [];
  const term = text.trim().toLocaleLowerCase('fr');
  const shown = users.filter((u) => (!role || u.role === role) && (!term || `${u.name ?? ''} ${u.email ?? ''}`.toLocaleLowerCase('fr').includes(term)));

  /** After an action: the row's first button again, or the list's heading when the row is gone. */
  const focusRow = (id: string) =>
    setTimeout(() => {
      const button = document.querySelector<HTMLButtonElement>(`[data-user-id="${id}"] button`);
      (button ?? heading.current)?.focus();
    }, 0);

  const act = async (user: UserAccountView, action: Action) => {
    setConfirm(null);
    const who = displayName(user);
    const outcome =
      action === 'disable'
        ? await send('disableUser', DISABLE_USER, { id: user.id }, `Le compte de ${who} est désactivé : cette personne ne peut plus se connecter.`)
        : action === 'enable'
          ? await send('enableUser', ENABLE_USER, { id: user.id }, `Le compte de ${who} est réactivé.`)
          : await send('deleteUser', DELETE_USER, { id: user.id }, `Le compte de ${who} est supprimé ; ses données personnelles sont effacées.`);
    await refetch();
    focusRow(outcome.ok && action === 'delete' ? '' : user.id);
  };

  return (
    <>
      <PageTitle>Comptes utilisateurs</PageTitle>
      <AdminNav />
      <Section title="Comptes" id="comptes">
        <form className="filters" aria-label="Filtrer les comptes" onSubmit={(e) => e.preventDefault()}>
          <div className="field field--inline">
            <label htmlFor="u-search">Nom ou adresse e-mail</label>
            <input id="u-search" type="search" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div className="field field--inline">
            <label htmlFor="u-role">Rôle</label>
            <select id="u-role" value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
              <option value="">Tous les rôles</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabelsFr[r]}
                </option>
              ))}
            </select>
          </div>
        </form>
        <p role="status" className="hint" data-testid="users-count">
          {data ? (shown.length === users.length ? plural(users.length, 'compte', 'comptes') : `${plural(shown.length, 'compte affiché', 'comptes affichés')} sur ${users.length}`) : ''}
        </p>
        {error && <ErrorBox>{frenchMessage(error, { forbidden: FORBIDDEN_ADMIN })}</ErrorBox>}
        {loading && !data && <Loading what="des comptes" />}
        {data && (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="users-caption">
            <table className="table" data-testid="users-table">
              <caption id="users-caption" className="table__caption">
                <span ref={heading} tabIndex={-1}>
                  Comptes de la plateforme
                </span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Adresse e-mail</th>
                  <th scope="col">Rôle</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Régions</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Créé le</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((u) => {
                  const self = u.id === session.user.id;
                  const who = displayName(u);
                  return (
                    <tr key={u.id} data-user-id={u.id}>
                      <th scope="row">
                        {u.name ?? <span className="muted">—</span>}
                        {self && <Badge tone="info">vous</Badge>}
                      </th>
                      <td>{u.email ?? '—'}</td>
                      <td>{roleLabelsFr[u.role] ?? u.role}</td>
                      <td>{u.organisationId ? (u.organisation?.name ?? <span className="muted">Structure {u.organisationId.slice(0, 8)}</span>) : '—'}</td>
                      <td>{u.regions.length ? u.regions.map(regionName).join(', ') : '—'}</td>
                      <td>
                        <Badge tone={u.status === 'ACTIVE' ? 'ok' : 'warn'}>{STATUS_LABELS[u.status] ?? u.status}</Badge>
                      </td>
                      <td>{formatShortDate(u.createdAt)}</td>
                      <td>
                        {self ? (
                          <span className="muted small">Votre propre compte</span>
                        ) : (
                          <div className="row-actions">
                            {u.status === 'ACTIVE' ? (
                              <button type="button" className="button button--small" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'disable', trigger: e.currentTarget })}>
                                Désactiver<span className="visually-hidden"> le compte de {who}</span>
                              </button>
                            ) : (
                              <button type="button" className="button button--small" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'enable', trigger: e.currentTarget })}>
                                Réactiver<span className="visually-hidden"> le compte de {who}</span>
                              </button>
                            )}
                            <button type="button" className="button button--small button--danger" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'delete', trigger: e.currentTarget })}>
                              Supprimer<span className="visually-hidden"> le compte de {who}</span>
                            </button>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <CreateUserForm
        onCreated={async () => {
          await refetch();
        }}
      />
      {confirm && (
        <ConfirmDialog
          title={
            confirm.action === 'disable'
              ? `Désactiver le compte de ${displayName(confirm.user)} ?`
              : confirm.action === 'enable'
                ? `Réactiver le compte de ${displayName(confirm.user)} ?`
                : `Supprimer le compte de ${displayName(confirm.user)} ?`
          }
          confirmLabel={confirm.action === 'disable' ? 'Désactiver le compte' : confirm.action === 'enable' ? 'Réactiver le compte' : 'Supprimer définitivement'}
          tone={confirm.action === 'enable' ? 'primary' : 'danger'}
          busy={pending !== null}
          onConfirm={() => void act(confirm.user, confirm.action)}
          onCancel={() => {
            const trigger = confirm.trigger;
            setConfirm(null);
            setTimeout(() => trigger?.focus(), 0);
          }}
        >
          {confirm.action === 'disable' && <p>Cette personne ne pourra plus se connecter, et ses sessions et jetons en cours cessent de fonctionner immédiatement. Vous pourrez réactiver le compte.</p>}
          {confirm.action === 'enable' && <p>Cette personne pourra de nouveau se connecter avec son mot de passe actuel.</p>}
          {confirm.action === 'delete' && (
            <p>
              Son nom et son adresse e-mail sont effacés et la personne ne pourra plus se connecter. L’historique des coopérations garde seulement son identifiant. <strong>Cette action est irréversible.</strong>
            </p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}

interface Draft {
  role: Role | '';
  name: string;
  email: string;
  password: string;
  regions: string[];
}
const EMPTY: Draft = { role: '', name: '', email: '', password: '', regions: [] };
type Field = 'role' | 'name' | 'email' | 'password' | 'organisation' | 'regions';

function validate(d: Draft, organisation: PickedOrganisation | null): { field: Field; message: string }[] {
  const errors: { field: Field; message: string }[] = [];
  if (!d.role) errors.push({ field: 'role', message: 'Choisissez le rôle du compte.' });
  if (!d.name.trim()) errors.push({ field: 'name', message: 'Indiquez le nom de la personne.' });
  if (!EMAIL.test(d.email.trim())) errors.push({ field: 'email', message: 'Indiquez une adresse e-mail valide (par exemple prenom.nom@structure.fr).' });
  if (d.password.length < MIN_PASSWORD) errors.push({ field: 'password', message: `Le mot de passe initial doit compter au moins ${MIN_PASSWORD} caractères.` });
  if (d.role && d.role !== 'ADMIN' && !organisation) errors.push({ field: 'organisation', message: 'Choisissez l’organisation du compte dans l’annuaire.' });
  if (d.role === 'NETWORK' && d.regions.length === 0) errors.push({ field: 'regions', message: 'Cochez au moins une région suivie.' });
  return errors;
}

/** Asks only what the role needs: an organisation except for operators, régions for networks. */
function CreateUserForm({ onCreated }: { onCreated: (organisation: PickedOrganisation | null) => Promise<void> }) {
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN });
  const [d, setD] = useState<Draft>(EMPTY);
  const [organisation, setOrganisation] = useState<PickedOrganisation | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  const [errors, setErrors] = useState<{ field: Field; message: string }[]>([]);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) summary.current?.focus();
  }, [errors]);
  const invalid = (field: Field) => (errors.some((e) => e.field === field) ? true : undefined);
  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(d, organisation);
    setErrors(found);
    if (found.length || !d.role) return;
    const role = d.role;
    const input = {
      role,
      name: d.name.trim(),
      email: d.email.trim(),
      password: d.password,
      ...(role !== 'ADMIN' && organisation ? { organisationId: organisation.id } : {}),
      ...(role === 'NETWORK' ? { regions: d.regions } : {}),
    };
    const outcome = await send('createUser', CREATE_USER, { input }, `Compte de ${input.name} créé (${roleLabelsFr[role]}). Transmettez-lui son mot de passe initial par un canal sûr.`);
    if (!outcome.ok) return;
    const org = role !== 'ADMIN' ? organisation : null;
    setD(EMPTY);
    setOrganisation(null);
    setPickerKey((k) => k + 1);
    await onCreated(org);
  };

  return (
    <Section title="Créer un compte" id="nouveau-compte">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Créer un compte" data-testid="create-user-form">
        {errors.length > 0 && (
          <div className="error-box" role="alert" tabIndex={-1} ref={summary} data-testid="create-user-errors">
            <p>Vérifiez votre saisie :</p>
            <ul>
              {errors.map((e) => (
                <li key={e.field}>{e.message}</li>
              ))}
            </ul>
          </div>
        )}
        <fieldset className="choices">
          <legend>Rôle du compte</legend>
          {ROLES.map((r) => (
            <div key={r} className="choice-hinted">
              <label className="choice">
                <input
                  type="radio"
                  name="new-user-role"
                  value={r}
                  checked={d.role === r}
                  onChange={() => setD((x) => ({ ...x, role: r, regions: r === 'NETWORK' ? x.regions : [] }))}
                  aria-describedby={`role-hint-${r}`}
                />{' '}
                {roleLabelsFr[r]}
              </label>
              <p id={`role-hint-${r}`} className="hint choice-hinted__hint">
                {ROLE_HINTS[r]}
              </p>
            </div>
          ))}
        </fieldset>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="new-user-name">Nom et prénom</label>
            <input id="new-user-name" autoComplete="off" value={d.name} onChange={(e) => update('name', e.target.value)} aria-invalid={invalid('name')} />
          </div>
          <div className="field">
            <label htmlFor="new-user-email">Adresse e-mail</label>
            <input id="new-user-email" type="email" autoComplete="off" value={d.email} onChange={(e) => update('email', e.target.value)} aria-invalid={invalid('email')} />
          </div>
          <div className="field">
            <label htmlFor="new-user-password">Mot de passe initial</label>
            <input
              id="new-user-password"
              type="password"
              autoComplete="new-password"
              value={d.password}
              onChange={(e) => update('password', e.target.value)}
              aria-describedby="new-user-password-aide"
              aria-invalid={invalid('password')}
            />
            <p id="new-user-password-aide" className="hint">
              Au moins {MIN_PASSWORD} caractères. Transmettez-le à la personne par un canal sûr.
            </p>
          </div>
        </div>
        {d.role && d.role !== 'ADMIN' && (
          <OrganisationCombobox
            key={pickerKey}
            id="new-user-organisation"
            label="Organisation du compte"
            hint={ORGANISATION_HINTS[d.role]}
            value={organisation}
            onChange={setOrganisation}
            required
          />
        )}
        {d.role === 'NETWORK' && (
          <fieldset className="choices choices--columns">
            <legend>Régions suivies (au moins une)</legend>
            {NETWORK_REGIONS.map((r) => (
              <label key={r.code} className="choice">
                <input
                  type="checkbox"
                  name="new-user-regions"
                  value={r.code}
                  checked={d.regions.includes(r.code)}
                  onChange={() => update('regions', d.regions.includes(r.code) ? d.regions.filter((c) => c !== r.code) : [...d.regions, r.code])}
                />{' '}
                {r.name}
              </label>
            ))}
          </fieldset>
        )}
        <div className="form__actions form__actions--start">
          <button type="submit" className="button button--primary" disabled={pending !== null}>
            Créer le compte
          </button>
        </div>
      </form>
    </Section>
  );
}
