import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { COOPERATIONS, type CooperationFilter } from '../api';
import { Badge, ErrorBox, Loading, PageTitle } from '../components/ui';
import { frenchMessage } from '../errors';
import { formatDate, formatNumber, plural } from '../format';
import { KINDS, STAGES, cooperationKindLabelsFr, kindShortFr, stageLabelsFr } from '../labels';
import { Link, useRouter } from '../router';
import { useSession } from '../session-context';
import { regionName } from '../territory';

const PAGE = 50;

export const statusTone = (status: string | null | undefined) =>
  status === 'ACTIVE' ? 'info' : status === 'CLOSED' ? 'ok' : status === 'ABANDONED' ? 'danger' : 'neutral';

/** The list's filter from the address (only what the dashboard links to: région and stalled days). */
export function filterFromSearch(search: URLSearchParams): CooperationFilter {
  const filter: CooperationFilter = {};
  const region = search.get('region');
  if (region && /^\d{2}$/.test(region)) filter.region = region;
  const days = search.get('arret');
  if (days && /^\d{1,5}$/.test(days)) {
    filter.stalledForDays = Number(days);
    filter.status = 'ACTIVE';
  }
  return filter;
}

export function CooperationListPage() {
  const { session } = useSession();
  const member = session.user.role === 'MEMBER';
  const { search, navigate } = useRouter();
  // Reached from the dashboard's stalled cooperations: ?region=11&arret=90 (active, no fact for 90 days).
  const [filter, setFilter] = useState<CooperationFilter>(() => filterFromSearch(search));
  const { data, loading, error, fetchMore } = useQuery(COOPERATIONS, { variables: { first: PAGE, filter }, fetchPolicy: 'cache-and-network' });
  const edges = data?.cooperations.edges ?? [];
  // The API gives pages, not a total: say how many are shown, and whether more follow.
  const more = data?.cooperations.pageInfo.hasNextPage ?? false;
  const shownCount = `${plural(edges.length, 'coopération affichée', 'coopérations affichées')}${more ? ' ; d’autres correspondent à ces critères (« Afficher plus de coopérations », en bas de la liste)' : ''}`;
  const set = (key: keyof CooperationFilter) => (value: string) => setFilter((f) => ({ ...f, [key]: value || undefined }));

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
      <form className="filters" aria-label="Filtrer les coopérations" onSubmit={(e) => e.preventDefault()}>
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
              setFilter(({ stalledForDays: _days, region: _region, ...rest }) => rest);
              navigate('/cooperations', { replace: true });
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
                    <Badge tone={statusTone(node.status)}>{node.statusLabel}</Badge>
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
            onClick={() =>
              void fetchMore({
                variables: { after: data.cooperations.pageInfo.endCursor },
                updateQuery: (prev, { fetchMoreResult }) => ({
                  cooperations: { ...fetchMoreResult.cooperations, edges: [...prev.cooperations.edges, ...fetchMoreResult.cooperations.edges] },
                }),
              })
            }
          >
            Afficher plus de coopérations
          </button>
        </p>
      )}
    </>
  );
}
