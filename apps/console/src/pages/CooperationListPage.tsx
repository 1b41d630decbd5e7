import { useMemo, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { COOPERATIONS, type CooperationFilter, type CooperationsData } from '../api';
import { useAnnouncer } from '../announcer';
import { Badge, ErrorBox, Loading, PageTitle, focusLater } from '../components/ui';
import { frenchMessage } from '../errors';
import { formatDate, formatNumber, plural } from '../format';
import { KINDS, STAGES, cooperationKindLabelsFr, kindShortFr, stageLabelsFr } from '../labels';
import { Link, useRouter } from '../router';
import { useSession } from '../session-context';
import { regionName } from '../territory';

const PAGE = 50;

/**
 * A closed cooperation is green only when it ended well (completed, or its contract run to its
 * end); a lost market is a warning; a dissolution, or an outcome not known, stays neutral.
 */
export const statusTone = (status: string | null | undefined, closeOutcome?: string | null) =>
  status === 'ACTIVE'
    ? 'info'
    : status === 'CLOSED'
      ? closeOutcome === 'COMPLETED' || closeOutcome === 'CONTRACT_ENDED'
        ? 'ok'
        : closeOutcome === 'TENDER_LOST'
          ? 'warn'
          : 'neutral'
      : status === 'ABANDONED'
        ? 'danger'
        : 'neutral';

const STATUSES = ['ACTIVE', 'CLOSED', 'ABANDONED'];

type Edge = CooperationsData['cooperations']['edges'][number];
/** Each cooperation once, in the order first met (pages read while the list changes may overlap). */
const distinct = (edges: readonly Edge[]): Edge[] => {
  const seen = new Set<string>();
  return edges.filter(({ node }) => !seen.has(node.id) && (seen.add(node.id), true));
};

/**
 * The address holds the list's filter, and nothing else does: ?type=GME&etape=LAUNCH&statut=ACTIVE
 * from the filters above the list, ?region=11&arret=90 from the dashboard's stalled cooperations
 * (active, no fact for 90 days). Back and forward, a reload or a link to /cooperations show the
 * filter of the address. Values the list does not know are ignored.
 */
const PARAMS = { kind: 'type', stage: 'etape', status: 'statut', region: 'region', stalledForDays: 'arret' } as const;
type SelectFilter = 'kind' | 'stage' | 'status';

function filterFromSearch(search: URLSearchParams): CooperationFilter {
  const filter: CooperationFilter = {};
  const known = (key: SelectFilter, values: readonly string[]) => {
    const value = search.get(PARAMS[key]);
    if (value && values.includes(value)) filter[key] = value;
  };
  known('kind', KINDS);
  known('stage', STAGES);
  known('status', STATUSES);
  const region = search.get(PARAMS.region);
  if (region && /^\d{2}$/.test(region)) filter.region = region;
  const days = search.get(PARAMS.stalledForDays);
  if (days && /^\d{1,5}$/.test(days)) {
    filter.stalledForDays = Number(days);
    // Stalled means active (the API reads it so): the status filter says it, unless another is chosen.
    filter.status ??= 'ACTIVE';
  }
  return filter;
}

export function CooperationListPage() {
  const { session } = useSession();
  const member = session.user.role === 'MEMBER';
  const { search, navigate } = useRouter();
  const query = search.toString();
  const filter = useMemo(() => filterFromSearch(new URLSearchParams(query)), [query]);
  const { data, loading, error, fetchMore } = useQuery(COOPERATIONS, { variables: { first: PAGE, filter }, fetchPolicy: 'cache-and-network' });
  const edges = useMemo(() => distinct(data?.cooperations.edges ?? []), [data]);
  const { announce } = useAnnouncer();
  // One page asked at a time: a second click while the next page loads sends nothing.
  const [loadingMore, setLoadingMore] = useState(false);
  const loadingMoreRef = useRef(false);
  const loadMore = async (after: string | null | undefined) => {
    if (loadingMoreRef.current) return;
    loadingMoreRef.current = true;
    setLoadingMore(true);
    try {
      await fetchMore({
        variables: { after },
        updateQuery: (prev, { fetchMoreResult }) => ({
          cooperations: { ...fetchMoreResult.cooperations, edges: distinct([...prev.cooperations.edges, ...fetchMoreResult.cooperations.edges]) },
        }),
      });
    } catch (e) {
      announce(frenchMessage(e), 'error');
    } finally {
      loadingMoreRef.current = false;
      setLoadingMore(false);
    }
  };
  // The API gives pages, not a total: say how many are shown, and whether more follow.
  const more = data?.cooperations.pageInfo.hasNextPage ?? false;
  const shownCount = `${plural(edges.length, 'coopération affichée', 'coopérations affichées')}${more ? ' ; d’autres correspondent à ces critères (« Afficher plus de coopérations », en bas de la liste)' : ''}`;
  // A filter changed replaces the address (no history entry per option tried, e.g. with the arrow keys).
  const set = (key: SelectFilter) => (value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(PARAMS[key], value);
    else next.delete(PARAMS[key]);
    const text = next.toString();
    navigate(`/cooperations${text ? `?${text}` : ''}`, { replace: true });
  };

  return (
    <>
      <PageTitle
        actions={
          member && (
            <Link to="/cooperations/nouvelle" className="button button--primary">
              Nouvelle coopération
            </Link>
          )
        }
      >
        {member ? 'Mes coopérations' : 'Coopérations'}
      </PageTitle>
      <form className="filters" id="filtres" aria-label="Filtrer les coopérations" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="f-kind">Type</label>
          <select id="f-kind" value={filter.kind ?? ''} onChange={(e) => set('kind')(e.target.value)}>
            <option value="">Tous les types</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {cooperationKindLabelsFr[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="f-stage">Étape</label>
          <select id="f-stage" value={filter.stage ?? ''} onChange={(e) => set('stage')(e.target.value)}>
            <option value="">Toutes les étapes</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {stageLabelsFr[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="f-status">Statut</label>
          <select id="f-status" value={filter.status ?? ''} onChange={(e) => set('status')(e.target.value)}>
            <option value="">Tous les statuts</option>
            <option value="ACTIVE">En cours</option>
            <option value="CLOSED">Clôturées</option>
            <option value="ABANDONED">Abandonnées</option>
          </select>
        </div>
      </form>
      {filter.stalledForDays !== undefined && (
        <p className="notice notice--row" data-testid="stalled-filter">
          Coopérations en cours sans aucun fait depuis {formatNumber(filter.stalledForDays)} jours{filter.region ? ` (${regionName(filter.region)})` : ''}.
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              const next = new URLSearchParams(query);
              next.delete(PARAMS.stalledForDays);
              next.delete(PARAMS.region);
              const text = next.toString();
              navigate(`/cooperations${text ? `?${text}` : ''}`, { replace: true });
              // The button goes with the notice: the focus goes back to the filters (the count that
              // follows is a live region).
              focusLater('filtres');
            }}
          >
            Voir toutes les coopérations
          </button>
        </p>
      )}
      {error && <ErrorBox>{frenchMessage(error)}</ErrorBox>}
      {loading && !data && <Loading what="des coopérations" />}
      {data && edges.length === 0 && (
        <div className="card empty">
          <p>{member ? 'Votre structure ne participe encore à aucune coopération.' : 'Aucune coopération ne correspond à ces critères.'}</p>
          {member && (
            <Link to="/cooperations/nouvelle" className="button button--primary">
              Proposer une coopération
            </Link>
          )}
        </div>
      )}
      {edges.length > 0 && (
        <p className="hint" role="status" data-testid="cooperation-count">
          {shownCount}
        </p>
      )}
      {edges.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table className="table" data-testid="cooperation-list">
            <caption className="visually-hidden">
              {member ? 'Coopérations de votre structure' : 'Coopérations'} : {shownCount}
            </caption>
            <thead>
              <tr>
                <th scope="col">Coopération</th>
                <th scope="col">Type</th>
                <th scope="col">Étape</th>
                <th scope="col">Statut</th>
                <th scope="col">Passage à l’étape suivante</th>
                <th scope="col" className="num">
                  Membres
                </th>
                <th scope="col">Région</th>
                <th scope="col">Dernier fait</th>
              </tr>
            </thead>
            <tbody>
              {edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">
                    <Link to={`/cooperations/${node.id}`}>{node.name}</Link>
                  </th>
                  <td>
                    <abbr title={node.kindLabel}>{kindShortFr[node.kind as keyof typeof kindShortFr] ?? node.kind}</abbr>
                  </td>
                  <td>{node.stageLabel}</td>
                  <td>
                    <Badge tone={statusTone(node.status, node.closeOutcome)}>{node.statusLabel}</Badge>
                  </td>
                  <td>{node.status !== 'ACTIVE' ? '—' : node.gateSatisfied ? <Badge tone="ok">Prête</Badge> : <Badge tone="warn">Points manquants</Badge>}</td>
                  <td className="num">{node.memberCount}</td>
                  <td>{regionName(node.regionCode)}</td>
                  <td>{formatDate(node.lastEventAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.cooperations.pageInfo.hasNextPage && (
        <p>
          <button
            type="button"
            className="button"
            data-testid="load-more"
            aria-disabled={loadingMore ? true : undefined}
            onClick={() => void loadMore(data.cooperations.pageInfo.endCursor)}
          >
            {loadingMore ? 'Chargement des coopérations suivantes…' : 'Afficher plus de coopérations'}
          </button>
        </p>
      )}
    </>
  );
}
