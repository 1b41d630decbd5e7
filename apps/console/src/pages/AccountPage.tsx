import { useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { CHANGE_PASSWORD, ME } from '../api';
import { useMutationRunner } from '../command';
import { ErrorBox, Loading, PageTitle, Section, SubmitButton } from '../components/ui';
import { frenchMessage } from '../errors';
import { MIN_PASSWORD, MAX_PASSWORD, passwordLengthError } from '../password';
import { roleLabelsFr } from '../session';
import { useSession } from '../session-context';
import { regionName } from '../territory';

export const ACCOUNT_PATH = '/mon-compte';

type Field = 'current' | 'next' | 'confirmation';
const EMPTY: Record<Field, string> = { current: '', next: '', confirmation: '' };
const IDS: Record<Field, string> = { current: 'mdp-actuel', next: 'mdp-nouveau', confirmation: 'mdp-confirmation' };

function validate(d: Record<Field, string>): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!d.current) errors.current = 'Indiquez votre mot de passe actuel.';
  const length = passwordLengthError(d.next, 'Le nouveau mot de passe');
  if (length) errors.next = length;
  else if (d.current && d.next === d.current) errors.next = 'Le nouveau mot de passe doit être différent de l’actuel.';
  if (!errors.next && d.confirmation !== d.next) errors.confirmation = 'La confirmation ne correspond pas au nouveau mot de passe : saisissez-le à nouveau.';
  return errors;
}

/** “Mon compte” (every role): the account as the API knows it, and changing one's own password. */
export function AccountPage() {
  const { session } = useSession();
  const { data, loading, error } = useQuery(ME, { fetchPolicy: 'network-only' });
  const me = data?.me;
  const user = me ?? { ...session.user, organisation: null };
  return (
    <>
      <PageTitle>Mon compte</PageTitle>
      <Section title="Votre compte" id="compte">
        {error && <ErrorBox>{frenchMessage(error)}</ErrorBox>}
        {loading && !data && <Loading what="de votre compte" />}
        <dl className="summary" data-testid="account-summary">
          <div className="summary__row">
            <dt>Nom</dt>
            <dd>{user.name ?? '—'}</dd>
          </div>
          <div className="summary__row">
            <dt>Adresse e-mail</dt>
            <dd>{user.email ?? '—'}</dd>
          </div>
          <div className="summary__row">
            <dt>Rôle</dt>
            <dd>{roleLabelsFr[user.role] ?? user.role}</dd>
          </div>
          {user.organisationId && (
            <div className="summary__row">
              <dt>Organisation</dt>
              <dd>{me?.organisation?.name ?? (me ? `Structure ${user.organisationId.slice(0, 8)}` : '…')}</dd>
            </div>
          )}
          {user.role === 'NETWORK' && (
            <div className="summary__row">
              <dt>Régions suivies</dt>
              <dd>{user.regions.length ? user.regions.map(regionName).join(', ') : '—'}</dd>
            </div>
          )}
        </dl>
        <p className="hint">
          {user.role === 'ADMIN'
            ? 'Votre nom se change depuis le compte d’un autre opérateur de la plateforme.'
            : 'Pour changer votre nom, votre organisation ou vos régions, adressez-vous à un opérateur de la plateforme.'}
        </p>
      </Section>
      <ChangePasswordForm email={user.email} />
    </>
  );
}

function ChangePasswordForm({ email }: { email: string | null }) {
  const { session, renewSession } = useSession();
  const { send, pending } = useMutationRunner();
  const [d, setD] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const found = validate(d);
    setErrors(found);
    const first = (Object.keys(IDS) as Field[]).find((f) => found[f]);
    if (first) {
      // The field's description carries its error: focusing it reads both.
      inputs.current[first]?.focus();
      return;
    }
    const outcome = await send(
      'changePassword',
      CHANGE_PASSWORD,
      { currentPassword: d.current, newPassword: d.next },
      'Votre mot de passe est changé. Vos autres sessions sont fermées ; celle-ci reste ouverte.',
    );
    if (!outcome.ok || !outcome.data) {
      if (outcome.error?.code === 'BAD_USER_INPUT') inputs.current.current?.select();
      return;
    }
    const { accessToken, expiresAt, user } = outcome.data.changePassword;
    // The previous token is refused from now on: the console must use the new one.
    renewSession({ accessToken, expiresAt, user: user ?? session.user });
    setD(EMPTY);
  };

  const field = (key: Field, label: string, autoComplete: string, hint?: string) => {
    const id = IDS[key];
    const describedBy = [hint ? `${id}-aide` : '', errors[key] ? `${id}-erreur` : ''].filter(Boolean).join(' ');
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          ref={(el) => {
            inputs.current[key] = el;
          }}
          type="password"
          autoComplete={autoComplete}
          value={d[key]}
          onChange={(e) => setD((x) => ({ ...x, [key]: e.target.value }))}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        {hint && (
          <p id={`${id}-aide`} className="hint">
            {hint}
          </p>
        )}
        {errors[key] && (
          <p id={`${id}-erreur`} className="field__error" data-testid={`${id}-erreur`}>
            {errors[key]}
          </p>
        )}
      </div>
    );
  };

  return (
    <Section title="Changer de mot de passe" id="mot-de-passe">
      <form className="form form--narrow" noValidate aria-label="Changer de mot de passe" data-testid="change-password-form" onSubmit={(e) => void submit(e)}>
        {/* For password managers: whose password this is. */}
        <input type="email" autoComplete="username" value={email ?? ''} readOnly hidden />
        <p className="hint">Vos autres sessions (autres navigateurs, autres appareils) seront fermées ; celle-ci reste ouverte.</p>
        {field('current', 'Mot de passe actuel', 'current-password')}
        {field('next', 'Nouveau mot de passe', 'new-password', `Entre ${MIN_PASSWORD} et ${MAX_PASSWORD} caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.`)}
        {field('confirmation', 'Confirmation du nouveau mot de passe', 'new-password', 'Saisissez à nouveau le nouveau mot de passe.')}
        <div className="form__actions form__actions--start">
          <SubmitButton className="button button--primary" busy={pending !== null}>
            Changer le mot de passe
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}
