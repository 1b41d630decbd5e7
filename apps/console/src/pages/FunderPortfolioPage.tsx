import { gql, type TypedDocumentNode } from '@apollo/client';
import { useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import { FUNDER_PORTFOLIO, SOLICITATIONS, type CooperationView, type FundingRequestView } from '../api';
import { AsOfDateField, useAsOfInAddress } from '../components/AsOfDateField';
import { ErrorBox, Loading, PageTitle, Section, Badge } from '../components/ui';
import { frenchMessage } from '../errors';
import { formatDate, formatEuros, formatIndicatorValue, formatMeasurement, formatNumber, ofName, quoted, todayIso } from '../format';
import { openRequestsTo, withoutAnswered } from '../funding';
import { STAGES, type Stage } from '../labels';
import { Link } from '../router';
import { useSession } from '../session-context';
import { regionName } from '../territory';
import { statusTone } from './CooperationListPage';

type Follow = Pick<CooperationView, 'id' | 'asOf' | 'indicators' | 'waivers'>;
const FOLLOW_UP: TypedDocumentNode<{ cooperation: Follow }, { id: string; asOf?: string | null }> = gql`
  query FunderFollowUp($id: ID!, $asOf: String) {
    cooperation(id: $id, asOf: $asOf) {
      id
      asOf
      indicators { indicatorId code label nature unit target criterionCode criterionLabel measurements { periodStart periodEnd value numericValue } }
      waivers { itemId itemLabel justification stage waivedAt }
    }
  }
`;

/**
 * A funder sees the cooperations that solicited it and wait for its answer, then, for those it
 * funds, progress, money, indicators against targets and waivers. Granting, declining and
 * disbursing happen on the cooperation page, the only place a funder has edit controls.
 */
export function FunderPortfolioPage() {
  const { session } = useSession();
  // As on the dashboard, the date is in the address (?au=2026-01-15).
  const [asOf, setAsOf] = useAsOfInAddress(todayIso());
  const funderId = session.user.organisationId ?? '';
  const { data, loading, error } = useQuery(FUNDER_PORTFOLIO, { variables: { funderId, asOf: asOf || null }, skip: !funderId, fetchPolicy: 'network-only' });
  const portfolio = data?.funderPortfolio;

  return (
    <>
      <PageTitle>Mon portefeuille</PageTitle>
      <form className="toolbar card" aria-label="Date du portefeuille" onSubmit={(e) => e.preventDefault()}>
        <AsOfDateField id="p-asof" label="Situation au" max={todayIso()} value={asOf} onChange={setAsOf} hintIds={['p-asof-hint']}>
          {asOf && (
            <button type="button" className="button button--small" onClick={() => setAsOf('')}>
              Revenir à aujourd’hui
            </button>
          )}
        </AsOfDateField>
        <p id="p-asof-hint" className="hint" data-testid="portfolio-date">
          {asOf ? `Chiffres au ${formatDate(asOf)}.` : `Chiffres d’aujourd’hui, ${formatDate(todayIso())} (rechargez la page pour actualiser).`}
        </p>
      </form>
      {!funderId && <ErrorBox>Votre compte n’est rattaché à aucune organisation financeuse.</ErrorBox>}
      {funderId && <PendingSolicitations funderId={funderId} />}
      {error && <ErrorBox>{frenchMessage(error)}</ErrorBox>}
      {loading && !portfolio && <Loading what="du portefeuille" />}
      {portfolio && (
        <>
          <ul className="kpis" aria-label={`Chiffres clés du portefeuille au ${formatDate(asOf || todayIso())}`}>
            <li className="kpi">
              <span className="kpi__value" data-testid="portfolio-count">
                {formatNumber(portfolio.totals.cooperations)}
              </span>
              <span className="kpi__label">coopérations financées</span>
            </li>
            <li className="kpi">
              <span className="kpi__value" data-testid="portfolio-granted">
                {formatEuros(portfolio.totals.granted)}
              </span>
              <span className="kpi__label">accordés</span>
            </li>
            <li className="kpi">
              <span className="kpi__value" data-testid="portfolio-disbursed">
                {formatEuros(portfolio.totals.disbursed)}
              </span>
              <span className="kpi__label">versés</span>
            </li>
          </ul>
          {portfolio.cooperations.length === 0 ? (
            <p className="card">Aucune coopération financée à cette date.</p>
          ) : (
            portfolio.cooperations.map((c) => {
              const index = STAGES.indexOf((c.stage ?? 'DECISION') as Stage);
              const granted = c.fundings.reduce((s, f) => s + f.amount, 0);
              const disbursed = c.fundings.reduce((s, f) => s + f.disbursed, 0);
              return (
                <Section key={c.id} title={c.name} id={`coop-${c.id}`}>
                  <div className="meta">
                    <Badge>{c.kindLabel}</Badge>
                    {c.status && (
                      <Badge tone={statusTone(c.status, c.closeOutcome)}>
                        {c.status === 'ACTIVE' ? 'En cours' : c.status === 'CLOSED' ? (c.closeOutcomeLabel ? `Clôturée : ${c.closeOutcomeLabel.toLowerCase()}` : 'Clôturée') : 'Abandonnée'}
                      </Badge>
                    )}
                    <span>{regionName(c.regionCode)}</span>
                    <Link to={`/cooperations/${c.id}`}>
                      Voir le détail<span className="visually-hidden"> {ofName(c.name)}</span>
                    </Link>
                  </div>
                  <div className="progress-line">
                    <span>
                      Étape {index + 1} sur {STAGES.length} : {c.stageLabel ?? '—'}
                    </span>
                    <progress max={STAGES.length} value={index + 1} aria-label={`Avancement ${ofName(c.name)}`}>
                      {index + 1} / {STAGES.length}
                    </progress>
                  </div>
                  <p>
                    Financement : {formatEuros(granted)} accordés, {formatEuros(disbursed)} versés ({c.fundings.map((f) => `${f.programme}, depuis le ${formatDate(f.periodStart)}`).join(' ; ')}).
                  </p>
                  <FollowUp id={c.id} asOf={asOf} waivers={c.waivers} />
                </Section>
              );
            })
          )}
        </>
      )}
    </>
  );
}

/** At most this many pending solicitations are listed (the page says when there are more). */
const SOLICITATIONS_SHOWN = 50;

/** The cooperations with an open request to this funder, today, each linking to its page. */
function PendingSolicitations({ funderId }: { funderId: string }) {
  const { data, loading, error, startPolling, stopPolling } = useQuery(SOLICITATIONS, { variables: { funderId, first: SOLICITATIONS_SHOWN }, fetchPolicy: 'network-only' });
  // A solicitation just declined is not shown while the read model still lists it: asked again
  // every half second until it no longer does.
  // (Only once read: before, nothing is listed and nothing may be forgotten.)
  const { shown: items, lagging } = data ? withoutAnswered(data.cooperations.edges.map((e) => e.node)) : { shown: [], lagging: false };
  useEffect(() => {
    if (!lagging) return;
    startPolling(500);
    return () => stopPolling();
  }, [lagging, startPolling, stopPolling]);
  return (
    <Section title="Sollicitations en attente" id="sollicitations">
      <p className="hint" id="sollicitations-aide">
        Les coopérations qui sollicitent votre organisation et attendent sa réponse, à ce jour. Ouvrez-en une pour accorder un financement ou décliner la sollicitation.
      </p>
      {error && <ErrorBox>{frenchMessage(error)}</ErrorBox>}
      {loading && !data && <Loading what="des sollicitations" />}
      {data &&
        (items.length === 0 ? (
          <p className="muted" data-testid="solicitations-empty">
            Aucune sollicitation en attente.
          </p>
        ) : (
          <ul className="plain-list" data-testid="solicitations" aria-describedby="sollicitations-aide">
            {items.map((c) => (
              <li key={c.id} data-cooperation-id={c.id}>
                <Link to={`/cooperations/${c.id}`}>{c.name}</Link>
                <span className="muted">
                  {' '}
                  — {c.kindLabel}, {regionName(c.regionCode)}, étape « {c.stageLabel} »
                </span>
                <SolicitationDetails requests={c.fundingRequests} funderId={funderId} />
              </li>
            ))}
          </ul>
        ))}
      {data?.cooperations.pageInfo.hasNextPage && <p className="hint">Seules les {SOLICITATIONS_SHOWN} premières sollicitations sont affichées.</p>}
    </Section>
  );
}

/** When the cooperation solicited this funder, and for what (programme, amount, message). */
function SolicitationDetails({ requests, funderId }: { requests: readonly FundingRequestView[]; funderId: string }) {
  const open = openRequestsTo(requests, funderId);
  if (open.length === 0) return null;
  return (
    <ul className="plain-list">
      {open.map((r) => (
        <li key={r.requestId} data-testid="solicitation-request">
          Sollicitation du {formatDate(r.requestedAt)}
          {r.programme ? `, programme ${quoted(r.programme)}` : ''}
          {r.amount !== null ? `, ${formatEuros(r.amount)} sollicités` : ''}.{r.note ? ` Message : ${quoted(r.note)}` : ''}
        </li>
      ))}
    </ul>
  );
}

function FollowUp({ id, asOf, waivers }: { id: string; asOf: string; waivers: number }) {
  const { data, error } = useQuery(FOLLOW_UP, { variables: { id, asOf: asOf || null } });
  if (error) return <p className="muted">Indicateurs indisponibles : {frenchMessage(error)}</p>;
  if (!data) return <Loading what="des indicateurs" />;
  const c = data.cooperation;
  return (
    <div className="grid-2">
      <div>
        <h3>Indicateurs et objectifs</h3>
        {c.indicators.length === 0 ? (
          <p className="muted">Aucun indicateur défini.</p>
        ) : (
          <div className="table-wrap" tabIndex={0}>
          <table className="table table--compact">
            <caption className="visually-hidden">Indicateurs comparés à leurs objectifs</caption>
            <thead>
              <tr>
                <th scope="col">Indicateur</th>
                <th scope="col" className="num">
                  Dernière valeur
                </th>
                <th scope="col" className="num">
                  Objectif
                </th>
                <th scope="col" className="num">
                  Atteinte
                </th>
              </tr>
            </thead>
            <tbody>
              {c.indicators.map((i) => {
                const last = i.measurements.at(-1);
                const target = Number(i.target);
                const ratio = last?.numericValue != null && Number.isFinite(target) && target > 0 ? last.numericValue / target : null;
                return (
                  <tr key={i.indicatorId}>
                    <th scope="row">{i.label}</th>
                    <td className="num">{last ? formatMeasurement(last, i.unit) : '—'}</td>
                    <td className="num">{formatIndicatorValue(i.target, i.unit)}</td>
                    <td className="num">{ratio === null ? '—' : <Badge tone={ratio >= 1 ? 'ok' : 'warn'}>{formatNumber(ratio * 100)} %</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
        )}
      </div>
      <div>
        <h3>Dérogations ({waivers})</h3>
        {c.waivers.length === 0 ? (
          <p className="muted">Aucune dérogation.</p>
        ) : (
          <ul className="plain-list">
            {c.waivers.map((w) => (
              <li key={`${w.stage}-${w.itemId}`}>
                <strong>{w.itemLabel}</strong> ({formatDate(w.waivedAt)}) : {w.justification}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
