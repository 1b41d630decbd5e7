import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { createConsoleClient } from './apollo';
import { AnnouncerProvider } from './announcer';
import { Link, Router, matchPath, useRouter } from './router';
import { SESSION_KEY, loadSession, roleLabelsFr, saveSession, type Role, type Session } from './session';
import { SessionContext, useSession } from './session-context';
import { SignInPage } from './pages/SignInPage';
import { CooperationListPage } from './pages/CooperationListPage';
import { NewCooperationPage } from './pages/NewCooperationPage';
import { CooperationPage } from './pages/CooperationPage';
import { NetworkDashboardPage } from './pages/NetworkDashboardPage';
import { FunderPortfolioPage } from './pages/FunderPortfolioPage';
import { UsersPage } from './pages/UsersPage';
import { OrganisationsPage } from './pages/OrganisationsPage';
import { AccountPage, ACCOUNT_PATH } from './pages/AccountPage';
import { ADMIN_PATHS, NETWORK_ORGANISATIONS_PATH } from './components/AdminNav';

export const EXPIRED_MESSAGE = 'Votre session a expiré. Reconnectez-vous pour continuer.';

/** Where each role lands after signing in. */
export const homeOf = (role: Role): string => (role === 'MEMBER' ? '/cooperations' : role === 'FUNDER' ? '/financeur' : '/reseau');

export function App() {
  return (
    <AnnouncerProvider>
      <Router>
        <Shell />
      </Router>
    </AnnouncerProvider>
  );
}

function Shell() {
  const { navigate, path } = useRouter();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);
  const signingOut = useRef(false);

  const signOut = useCallback(
    (message?: string) => {
      if (signingOut.current) return;
      signingOut.current = true;
      saveSession(null);
      setSession(null);
      setNotice(message ?? null);
      navigate('/connexion', { replace: true });
    },
    [navigate],
  );
  const signIn = useCallback(
    (next: Session) => {
      signingOut.current = false;
      saveSession(next);
      setSession(next);
      setNotice(null);
      const wanted = new URLSearchParams(window.location.search).get('retour');
      navigate(wanted && wanted.startsWith('/') && !wanted.startsWith('//') ? wanted : homeOf(next.user.role), { replace: true });
    },
    [navigate],
  );
  const renewSession = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
  }, []);

  // Another tab of this browser changed the password: take its new token instead of being
  // signed out by the refused old one (same user only; signing out elsewhere changes nothing here).
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== SESSION_KEY) return;
      const next = loadSession(event.newValue);
      setSession((current) => (current && next && next.user.id === current.user.id && next.accessToken !== current.accessToken ? next : current));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // The access token lives 15 minutes: sign out when it expires, with a message.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => signOut(EXPIRED_MESSAGE), Math.max(0, Date.parse(session.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [session, signOut]);

  // A client whose token was replaced (renewed session) may still see an answer refusing it: ignore.
  const currentToken = useRef<string | null>(null);
  currentToken.current = session?.accessToken ?? null;
  const client = useMemo(() => {
    const token = session?.accessToken ?? null;
    return createConsoleClient(token, () => {
      if (currentToken.current === token) signOut(EXPIRED_MESSAGE);
    });
  }, [session?.accessToken, signOut]);
  // Dispose a client only once another one replaced it: StrictMode's simulated unmount (development
  // builds) must not close the WebSocket of the client still in use.
  const currentClient = useRef(client);
  currentClient.current = client;
  useEffect(
    () => () => {
      setTimeout(() => {
        if (currentClient.current !== client) client.dispose();
      }, 0);
    },
    [client],
  );

  useEffect(() => {
    if (!session && path !== '/connexion') navigate(`/connexion${path !== '/' ? `?retour=${encodeURIComponent(path)}` : ''}`, { replace: true });
    if (session && (path === '/' || path === '/connexion')) navigate(homeOf(session.user.role), { replace: true });
  }, [session, path, navigate]);

  return (
    <ApolloProvider client={client.apollo}>
      <a className="skip-link" href="#contenu">
        Aller au contenu
      </a>
      {session ? (
        <SessionContext.Provider value={{ session, signOut, renewSession }}>
          <Header />
          <main id="contenu" tabIndex={-1} className="main">
            <Routes />
          </main>
        </SessionContext.Provider>
      ) : (
        <main id="contenu" tabIndex={-1} className="main main--narrow">
          <SignInPage notice={notice} onSignedIn={signIn} />
        </main>
      )}
      <footer className="footer">
        <p>Maillage — suivi des coopérations économiques de l’économie sociale et solidaire.</p>
      </footer>
    </ApolloProvider>
  );
}

function Header() {
  const { session, signOut } = useSession();
  const { path } = useRouter();
  const role = session.user.role;
  return (
    <header className="header">
      <div className="header__inner">
        <p className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Maillage
        </p>
        <nav aria-label="Navigation principale" className="nav">
          <ul>
            {role === 'MEMBER' && (
              <>
                <li>
                  <Link to="/cooperations">Mes coopérations</Link>
                </li>
                <li>
                  <Link to="/cooperations/nouvelle">Nouvelle coopération</Link>
                </li>
                <li>
                  <Link to="/statistiques">Statistiques régionales</Link>
                </li>
              </>
            )}
            {(role === 'NETWORK' || role === 'ADMIN') && (
              <>
                <li>
                  <Link to="/reseau">Tableau de bord régional</Link>
                </li>
                <li>
                  <Link to="/cooperations">Coopérations</Link>
                </li>
                {role === 'NETWORK' && (
                  <li>
                    <Link to={NETWORK_ORGANISATIONS_PATH}>Organisations</Link>
                  </li>
                )}
                {role === 'ADMIN' && (
                  <li>
                    <Link to={ADMIN_PATHS.users} aria-current={path.startsWith('/administration/') ? 'page' : undefined}>
                      Administration
                    </Link>
                  </li>
                )}
              </>
            )}
            {role === 'FUNDER' && (
              <>
                <li>
                  <Link to="/financeur">Mon portefeuille</Link>
                </li>
                <li>
                  <Link to="/statistiques">Statistiques régionales</Link>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="user">
          <p className="user__who">
            <Link to={ACCOUNT_PATH} className="user__link">
              <span className="user__name">{session.user.name ?? session.user.email}</span>
              <span className="user__role">{roleLabelsFr[role]}</span>
              <span className="visually-hidden"> : mon compte</span>
            </Link>
          </p>
          <button type="button" className="button button--ghost" onClick={() => signOut('Vous êtes déconnecté.')}>
            Se déconnecter
          </button>
        </div>
      </div>
    </header>
  );
}

function Routes() {
  const { path } = useRouter();
  const { session } = useSession();
  const role = session.user.role;
  if (path === '/cooperations') return <CooperationListPage key="list" />;
  if (path === '/cooperations/nouvelle') return role === 'MEMBER' ? <NewCooperationPage /> : <NotAllowed />;
  const coop = matchPath('/cooperations/:id', path);
  if (coop) return <CooperationPage key={coop.id} id={coop.id} />;
  if (path === '/reseau') return role === 'NETWORK' || role === 'ADMIN' ? <NetworkDashboardPage /> : <NotAllowed />;
  if (path === '/statistiques') return role === 'MEMBER' || role === 'FUNDER' ? <NetworkDashboardPage key="stats" /> : <NotAllowed />;
  if (path === '/financeur') return role === 'FUNDER' ? <FunderPortfolioPage /> : <NotAllowed />;
  if (path === '/administration' || path === '/administration/') return role === 'ADMIN' ? <Redirect to={ADMIN_PATHS.users} /> : <NotAllowed />;
  if (path === ADMIN_PATHS.users) return role === 'ADMIN' ? <UsersPage /> : <NotAllowed />;
  // Operators reach the whole directory in the Administration area; networks, the organisations of their régions.
  if (path === ADMIN_PATHS.organisations) return role === 'ADMIN' ? <OrganisationsPage /> : role === 'NETWORK' ? <Redirect to={NETWORK_ORGANISATIONS_PATH} /> : <NotAllowed />;
  if (path === NETWORK_ORGANISATIONS_PATH) return role === 'NETWORK' ? <OrganisationsPage /> : role === 'ADMIN' ? <Redirect to={ADMIN_PATHS.organisations} /> : <NotAllowed />;
  if (path === ACCOUNT_PATH) return <AccountPage />;
  if (path === '/' || path === '/connexion') return null;
  return (
    <div className="card">
      <h1 tabIndex={-1}>Page introuvable</h1>
      <p>
        Cette adresse ne correspond à aucune page. <Link to={homeOf(role)}>Revenir à l’accueil</Link>
      </p>
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  const { navigate } = useRouter();
  useEffect(() => navigate(to, { replace: true }), [navigate, to]);
  return null;
}

function NotAllowed() {
  const { session } = useSession();
  return (
    <div className="card">
      <h1 tabIndex={-1}>Accès non prévu pour votre rôle</h1>
      <p>
        Cette page n’est pas disponible pour le rôle « {roleLabelsFr[session.user.role]} ». <Link to={homeOf(session.user.role)}>Revenir à l’accueil</Link>
      </p>
    </div>
  );
}
