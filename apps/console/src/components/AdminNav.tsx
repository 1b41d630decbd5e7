import { Link } from '../router';

export const ADMIN_PATHS = { users: '/administration/comptes', organisations: '/administration/organisations' } as const;
/** The organisations of a network's régions (the same page as the operators', outside the Administration area). */
export const NETWORK_ORGANISATIONS_PATH = '/organisations';

/** The two screens of the Administration area (platform operators only). */
export function AdminNav() {
  return (
    <nav aria-label="Administration" className="subnav">
      <ul>
        <li>
          <Link to={ADMIN_PATHS.users}>Comptes utilisateurs</Link>
        </li>
        <li>
          <Link to={ADMIN_PATHS.organisations}>Organisations</Link>
        </li>
      </ul>
    </nav>
  );
}
