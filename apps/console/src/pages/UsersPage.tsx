import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { CREATE_USER, DELETE_USER, DISABLE_USER, ENABLE_USER, SET_USER_PASSWORD, UPDATE_USER, USERS, type UpdateUserInput, type UserAccountView } from '../api';
import { useAnnouncer } from '../announcer';
import { useMutationRunner } from '../command';
import { AdminNav } from '../components/AdminNav';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorSummary } from '../components/ErrorSummary';
import { ModalDialog } from '../components/ModalDialog';
import { OrganisationCombobox, type PickedOrganisation } from '../components/OrganisationCombobox';
import { Badge, ErrorBox, Loading, PageTitle, SendOrCancel, Section, SubmitButton } from '../components/ui';
import { FORBIDDEN_ADMIN, frenchMessage, messageFor } from '../errors';
import { formatShortDate, ofName, plural } from '../format';
import { MAX_PASSWORD, MIN_PASSWORD, generatePassword, passwordLengthError } from '../password';
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
/** A network follows régions (two-digit INSEE codes); the overseas collectivités are not régions. */
const NETWORK_REGIONS = REGIONS.filter((r) => /^\d{2}$/.test(r.code));
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STATUS_LABELS: Record<UserAccountView['status'], string> = { ACTIVE: 'Actif', DISABLED: 'Désactivé', DELETED: 'Supprimé' };

type Action = 'disable' | 'enable' | 'delete';
/** The row's buttons, for moving the focus back to one of them. */
type RowAction = 'edit' | 'password' | 'toggle' | 'delete';
const displayName = (u: UserAccountView) => u.name ?? u.email ?? 'compte sans nom';

/** Platform operators: every account, its role, organisation and régions; create, edit, set a password, disable, re-enable, delete. */
export function UsersPage() {
  const { session } = useSession();
  const { announce } = useAnnouncer();
  const { data, loading, error, refetch } = useQuery(USERS, { fetchPolicy: 'network-only' });
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [confirm, setConfirm] = useState<{ user: UserAccountView; action: Action; trigger: HTMLElement | null } | null>(null);
  const [dialog, setDialog] = useState<{ user: UserAccountView; kind: 'edit' | 'password'; trigger: HTMLElement | null } | null>(null);
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN });
  const heading = useRef<HTMLHeadingElement>(null);

  const users = data?.users ?? [];
  const term = text.trim().toLocaleLowerCase('fr');
  const shown = users.filter((u) => (!role || u.role === role) && (!term || `${u.name ?? ''} ${u.email ?? ''}`.toLocaleLowerCase('fr').includes(term)));

  /** After an action: that button of the row again, or the list's heading when the row is gone (deleted, filtered out). */
  const focusRow = (id: string, action: RowAction) =>
    setTimeout(() => {
      const button = document.querySelector<HTMLButtonElement>(`[data-user-id="${id}"] [data-action="${action}"]`);
      (button ?? heading.current)?.focus();
    }, 0);
  const closeDialog = () => {
    const trigger = dialog?.trigger;
    setDialog(null);
    setTimeout(() => trigger?.focus(), 0);
  };

  const act = async (user: UserAccountView, action: Action) => {
    setConfirm(null);
    const who = displayName(user);
    const outcome =
      action === 'disable'
        ? await send('disableUser', DISABLE_USER, { id: user.id }, `Le compte ${ofName(who)} est désactivé : cette personne ne peut plus se connecter.`)
        : action === 'enable'
          ? await send('enableUser', ENABLE_USER, { id: user.id }, `Le compte ${ofName(who)} est réactivé.`)
          : await send('deleteUser', DELETE_USER, { id: user.id }, `Le compte ${ofName(who)} est supprimé ; ses données personnelles sont effacées.`);
    await refetch();
    focusRow(outcome.ok && action === 'delete' ? '' : user.id, action === 'delete' ? 'delete' : 'toggle');
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
            <table className="table table--accounts" data-testid="users-table">
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
                          <div className="row-actions row-actions--accounts">
                            <button type="button" className="button button--small" data-action="edit" disabled={pending !== null} onClick={(e) => setDialog({ user: u, kind: 'edit', trigger: e.currentTarget })}>
                              Modifier<span className="visually-hidden"> le compte {ofName(who)}</span>
                            </button>
                            <button type="button" className="button button--small" data-action="password" disabled={pending !== null} onClick={(e) => setDialog({ user: u, kind: 'password', trigger: e.currentTarget })}>
                              Mot de passe<span className="visually-hidden"> : en donner un nouveau à {who}</span>
                            </button>
                            {u.status === 'ACTIVE' ? (
                              <button type="button" className="button button--small" data-action="toggle" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'disable', trigger: e.currentTarget })}>
                                Désactiver<span className="visually-hidden"> le compte {ofName(who)}</span>
                              </button>
                            ) : (
                              <button type="button" className="button button--small" data-action="toggle" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'enable', trigger: e.currentTarget })}>
                                Réactiver<span className="visually-hidden"> le compte {ofName(who)}</span>
                              </button>
                            )}
                            <button type="button" className="button button--small button--danger" data-action="delete" disabled={pending !== null} onClick={(e) => setConfirm({ user: u, action: 'delete', trigger: e.currentTarget })}>
                              Supprimer<span className="visually-hidden"> le compte {ofName(who)}</span>
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
      {dialog?.kind === 'edit' && (
        <EditUserDialog
          user={dialog.user}
          onCancel={closeDialog}
          onSaved={async (updated) => {
            const id = dialog.user.id;
            setDialog(null);
            announce(`Le compte ${ofName(displayName(updated))} est modifié (${describeAccount(updated)}). Le changement s’applique dès sa prochaine action dans la console.`, 'success');
            await refetch();
            focusRow(id, 'edit');
          }}
        />
      )}
      {dialog?.kind === 'password' && (
        <SetPasswordDialog
          user={dialog.user}
          onClose={(done) => {
            closeDialog();
            if (done) announce(`Nouveau mot de passe enregistré pour ${displayName(dialog.user)} ; ses sessions en cours sont fermées.`, 'success');
          }}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={
            confirm.action === 'disable'
              ? `Désactiver le compte ${ofName(displayName(confirm.user))} ?`
              : confirm.action === 'enable'
                ? `Réactiver le compte ${ofName(displayName(confirm.user))} ?`
                : `Supprimer le compte ${ofName(displayName(confirm.user))} ?`
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
          {confirm.action === 'disable' && <p>Cette personne ne pourra plus se connecter, et ses sessions et jetons d’API prennent fin immédiatement, pour de bon. Vous pourrez réactiver le compte : elle se reconnectera alors et créera de nouveaux jetons.</p>}
          {confirm.action === 'enable' && <p>Cette personne pourra de nouveau se connecter avec son mot de passe actuel (ses anciens jetons d’API restent révoqués).</p>}
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

/** Role, organisation and régions of an account in a few words (announcements). */
function describeAccount(u: UserAccountView): string {
  const parts = [roleLabelsFr[u.role] ?? u.role];
  if (u.organisation) parts.push(u.organisation.name);
  if (u.regions.length) parts.push(`régions : ${u.regions.map(regionName).join(', ')}`);
  return parts.join(' ; ');
}

type Field = 'role' | 'name' | 'email' | 'password' | 'organisation' | 'regions';
type FieldError = { field: Field; message: string };

/** What every account needs, for its role: a name, an organisation except for operators, régions for networks. */
function shapeErrors(role: Role | '', name: string, organisation: PickedOrganisation | null, regions: string[]): { name: FieldError[]; rest: FieldError[] } {
  const nameErrors: FieldError[] = name.trim() ? [] : [{ field: 'name', message: 'Indiquez le nom de la personne.' }];
  const rest: FieldError[] = [];
  if (role && role !== 'ADMIN' && !organisation) rest.push({ field: 'organisation', message: 'Choisissez l’organisation du compte dans l’annuaire.' });
  if (role === 'NETWORK' && regions.length === 0) rest.push({ field: 'regions', message: 'Cochez au moins une région suivie.' });
  return { name: nameErrors, rest };
}

/** The role radios, each with what the role does. */
function RoleChoices({ name, value, onChange, disabled }: { name: string; value: Role | ''; onChange: (role: Role) => void; disabled?: boolean }) {
  return (
    <fieldset className="choices">
      <legend>Rôle du compte</legend>
      {ROLES.map((r) => (
        <div key={r} className="choice-hinted">
          <label className="choice">
            <input type="radio" name={name} value={r} checked={value === r} disabled={disabled} onChange={() => onChange(r)} aria-describedby={`${name}-hint-${r}`} /> {roleLabelsFr[r]}
          </label>
          <p id={`${name}-hint-${r}`} className="hint choice-hinted__hint">
            {ROLE_HINTS[r]}
          </p>
        </div>
      ))}
    </fieldset>
  );
}

/** The régions a network follows (the 18 régions, not the overseas collectivités). */
function RegionChoices({ name, value, onChange }: { name: string; value: string[]; onChange: (regions: string[]) => void }) {
  return (
    <fieldset className="choices choices--columns">
      <legend>Régions suivies (au moins une)</legend>
      {NETWORK_REGIONS.map((r) => (
        <label key={r.code} className="choice">
          <input
            type="checkbox"
            name={name}
            value={r.code}
            checked={value.includes(r.code)}
            onChange={() => onChange(value.includes(r.code) ? value.filter((c) => c !== r.code) : [...value, r.code])}
          />{' '}
          {r.name}
        </label>
      ))}
    </fieldset>
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

function validate(d: Draft, organisation: PickedOrganisation | null): FieldError[] {
  const errors: FieldError[] = [];
  if (!d.role) errors.push({ field: 'role', message: 'Choisissez le rôle du compte.' });
  const shape = shapeErrors(d.role, d.name, organisation, d.regions);
  errors.push(...shape.name);
  if (!EMAIL.test(d.email.trim())) errors.push({ field: 'email', message: 'Indiquez une adresse e-mail valide (par exemple prenom.nom@structure.fr).' });
  if (d.password.length < MIN_PASSWORD) errors.push({ field: 'password', message: `Le mot de passe initial doit compter au moins ${MIN_PASSWORD} caractères.` });
  else if (d.password.length > MAX_PASSWORD) errors.push({ field: 'password', message: `Le mot de passe initial doit compter au plus ${MAX_PASSWORD} caractères.` });
  errors.push(...shape.rest);
  return errors;
}

/** Asks only what the role needs: an organisation except for operators, régions for networks. */
function CreateUserForm({ onCreated }: { onCreated: (organisation: PickedOrganisation | null) => Promise<void> }) {
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN });
  const [d, setD] = useState<Draft>(EMPTY);
  const [organisation, setOrganisation] = useState<PickedOrganisation | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const invalid = (field: Field) => (errors.some((e) => e.field === field) ? true : undefined);
  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
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
    const outcome = await send('createUser', CREATE_USER, { input }, `Compte ${ofName(input.name)} créé (${roleLabelsFr[role]}). Transmettez-lui son mot de passe initial par un canal sûr.`);
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
        <ErrorSummary errors={errors} testId="create-user-errors" />
        <RoleChoices name="new-user-role" value={d.role} onChange={(r) => setD((x) => ({ ...x, role: r, regions: r === 'NETWORK' ? x.regions : [] }))} />
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
        {d.role === 'NETWORK' && <RegionChoices name="new-user-regions" value={d.regions} onChange={(regions) => update('regions', regions)} />}
        <div className="form__actions form__actions--start">
          <SubmitButton className="button button--primary" busy={pending !== null}>
            Créer le compte
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}

/**
 * Edit an account's name, role, organisation and régions (the e-mail is the sign-in: not edited
 * here). Asks what the chosen role needs, like the creation form. Never offered on one's own row.
 */
function EditUserDialog({ user, onSaved, onCancel }: { user: UserAccountView; onSaved: (updated: UserAccountView) => Promise<void>; onCancel: () => void }) {
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN }, { announceErrors: false });
  const [name, setName] = useState(user.name ?? '');
  const [role, setRole] = useState<Role>(user.role);
  const [organisation, setOrganisation] = useState<PickedOrganisation | null>(
    user.organisationId ? { id: user.organisationId, name: user.organisation?.name ?? `Structure ${user.organisationId.slice(0, 8)}`, kindLabel: '' } : null,
  );
  const [regions, setRegions] = useState<string[]>(user.regions);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const who = displayName(user);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const shape = shapeErrors(role, name, organisation, regions);
    const found = [...shape.name, ...shape.rest];
    setErrors(found);
    setFailure(null);
    if (found.length) return;
    const input: UpdateUserInput = {
      name: name.trim(),
      role,
      organisationId: role === 'ADMIN' ? null : organisation?.id,
      // Left out for other roles: the API clears the régions of an account that leaves NETWORK.
      ...(role === 'NETWORK' ? { regions } : {}),
    };
    const outcome = await send('updateUser', UPDATE_USER, { id: user.id, input });
    if (outcome.ok && outcome.data) await onSaved(outcome.data.updateUser);
    else if (outcome.error && outcome.error.code !== 'UNAUTHENTICATED') setFailure(messageFor(outcome.error, { forbidden: FORBIDDEN_ADMIN }));
  };

  return (
    <ModalDialog title={`Modifier le compte ${ofName(who)}`} onCancel={onCancel} initialFocus={first} describedBy="edit-user-texte" wide testId="edit-user-dialog">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={`Modifier le compte ${ofName(who)}`}>
        <p id="edit-user-texte">
          Adresse e-mail : <strong>{user.email ?? '—'}</strong> (elle sert à se connecter et ne change pas ici). Le changement s’applique dès la prochaine action de la personne dans la console.
        </p>
        <ErrorSummary errors={errors} testId="edit-user-errors" />
        <div className="field">
          <label htmlFor="edit-user-name">Nom et prénom</label>
          <input id="edit-user-name" ref={first} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors.some((e) => e.field === 'name') || undefined} />
        </div>
        <RoleChoices name="edit-user-role" value={role} onChange={(r) => setRole(r)} />
        {role !== 'ADMIN' && (
          <OrganisationCombobox id="edit-user-organisation" label="Organisation du compte" hint={ORGANISATION_HINTS[role]} value={organisation} onChange={setOrganisation} required />
        )}
        {role === 'NETWORK' && <RegionChoices name="edit-user-regions" value={regions} onChange={setRegions} />}
        {failure && (
          <div className="error-box" role="alert" data-testid="edit-user-failure">
            {failure}
          </div>
        )}
        <SendOrCancel className="dialog__actions" busy={pending !== null} onCancel={onCancel}>
          Enregistrer les modifications
        </SendOrCancel>
      </form>
    </ModalDialog>
  );
}

/**
 * Give an account a new password (a forgotten one): generated at random and shown, so the operator
 * can copy it (or replace it with one agreed with the person). Recording it is the confirmation
 * step; afterwards the dialog shows the password once more, to copy, until it is closed.
 */
function SetPasswordDialog({ user, onClose }: { user: UserAccountView; onClose: (done: boolean) => void }) {
  const { send, pending } = useMutationRunner({ forbidden: FORBIDDEN_ADMIN }, { announceErrors: false });
  const [password, setPassword] = useState(() => generatePassword());
  const [invalid, setInvalid] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [done, setDone] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const doneText = useRef<HTMLParagraphElement>(null);
  const who = displayName(user);

  useEffect(() => {
    if (done) doneText.current?.focus();
  }, [done]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setStatus('Mot de passe copié dans le presse-papiers.');
    } catch {
      // No clipboard (plain HTTP, permission refused): select it for Ctrl+C.
      input.current?.focus();
      input.current?.select();
      setStatus('Copie automatique impossible : le mot de passe est sélectionné, copiez-le avec Ctrl+C (⌘+C sur Mac).');
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const error = passwordLengthError(password);
    setInvalid(error);
    setFailure(null);
    if (error) {
      input.current?.focus();
      return;
    }
    const outcome = await send('setUserPassword', SET_USER_PASSWORD, { id: user.id, newPassword: password });
    if (outcome.ok) {
      setStatus('');
      setDone(true);
    } else if (outcome.error && outcome.error.code !== 'UNAUTHENTICATED') setFailure(messageFor(outcome.error, { forbidden: FORBIDDEN_ADMIN }));
  };

  const describedBy = ['set-password-aide', invalid ? 'set-password-erreur' : ''].filter(Boolean).join(' ');
  return (
    <ModalDialog title={`Nouveau mot de passe pour ${who}`} onCancel={() => onClose(done)} initialFocus={input} describedBy="set-password-texte" testId="set-password-dialog">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={`Nouveau mot de passe pour ${who}`}>
        {done ? (
          <p id="set-password-texte" ref={doneText} tabIndex={-1} data-testid="set-password-done">
            Le nouveau mot de passe {ofName(who)} est enregistré ; ses sessions en cours sont fermées. Transmettez-le-lui par un canal sûr : il ne sera plus affiché une fois cette fenêtre fermée.
          </p>
        ) : (
          <p id="set-password-texte">
            Pour un mot de passe oublié, par exemple. Les sessions en cours {ofName(who)} seront fermées, et si son compte était bloqué après trop d’essais, la personne pourra de nouveau se connecter. Elle pourra ensuite choisir son propre mot de passe dans « Mon compte ».
          </p>
        )}
        <div className="field">
          <label htmlFor="set-password">{done ? 'Mot de passe à transmettre' : 'Nouveau mot de passe'}</label>
          <div className="secret-row">
            <input
              id="set-password"
              ref={input}
              type="text"
              className="secret"
              autoComplete="off"
              spellCheck={false}
              readOnly={done}
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                setStatus('');
              }}
              aria-invalid={invalid ? true : undefined}
              aria-describedby={describedBy}
            />
            <button type="button" className="button button--small" onClick={() => void copy()}>
              Copier<span className="visually-hidden"> le mot de passe</span>
            </button>
            {!done && (
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  setPassword(generatePassword());
                  setInvalid(null);
                  setStatus('Un autre mot de passe a été généré.');
                }}
              >
                Générer un autre
              </button>
            )}
          </div>
          <p id="set-password-aide" className="hint">
            {done ? 'Affiché en clair pour que vous puissiez le copier.' : `Généré au hasard et affiché en clair ; vous pouvez le remplacer par un autre de ${MIN_PASSWORD} à ${MAX_PASSWORD} caractères.`}
          </p>
          {invalid && (
            <p id="set-password-erreur" className="field__error" data-testid="set-password-erreur">
              {invalid}
            </p>
          )}
          <p role="status" className="hint" data-testid="set-password-statut">
            {status}
          </p>
        </div>
        {failure && (
          <div className="error-box" role="alert" data-testid="set-password-failure">
            {failure}
          </div>
        )}
        <div className="dialog__actions">
          {done ? (
            <button type="button" className="button button--primary" onClick={() => onClose(true)}>
              Fermer
            </button>
          ) : (
            <>
              <SubmitButton className="button button--primary" busy={pending !== null}>
                Enregistrer le nouveau mot de passe
              </SubmitButton>
              <button type="button" className="button" onClick={() => onClose(false)}>
                Annuler
              </button>
            </>
          )}
        </div>
      </form>
    </ModalDialog>
  );
}
