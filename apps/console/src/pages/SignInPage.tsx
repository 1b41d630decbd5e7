import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { LOGIN } from '../api';
import { frenchMessage, errorInfo } from '../errors';
import type { Session } from '../session';
import { PageTitle } from '../components/ui';

export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [login, { loading }] = useMutation(LOGIN);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await login({ variables: { email: email.trim(), password } });
      if (!data) throw new Error('Réponse vide');
      const { accessToken, expiresAt, user } = data.login;
      onSignedIn({ accessToken, expiresAt, user });
    } catch (e) {
      const info = errorInfo(e);
      setError(info.code === 'UNAUTHENTICATED' ? 'Identifiants invalides : vérifiez votre adresse e-mail et votre mot de passe.' : frenchMessage(e));
    }
  };

  return (
    <div className="signin">
      <PageTitle>Connexion à Maillage</PageTitle>
      <p className="lead">Suivez vos coopérations économiques, de la décision à la capitalisation.</p>
      {notice && (
        <p className="notice" role="status" data-testid="signin-notice">
          {notice}
        </p>
      )}
      <form className="card form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={error ? 'signin-error' : undefined}>
        {error && (
          <p id="signin-error" className="error-box" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="email">Adresse e-mail</label>
          <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">Mot de passe</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={loading || !email || !password}>
          {loading ? 'Connexion…' : 'Se connecter'}
        </button>
      </form>
      <p className="hint">Comptes de démonstration : voir le README du projet (un compte par rôle).</p>
    </div>
  );
}
