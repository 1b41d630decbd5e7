import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { COOPERATIONS, ORGANISATION, REGIONAL_ACTIVITY, REGIONAL_DASHBOARD, type RegionalActivityView, type RegionalDashboardView } from '../api';
import { useAnnouncer } from '../announcer';
import { AsOfDateField, useAsOfInAddress } from '../components/AsOfDateField';
import { EChart } from '../components/EChart';
import { ErrorBox, Loading, PageTitle, Section } from '../components/ui';
import { downloadExport } from '../download';
import { frenchMessage } from '../errors';
import { formatDate, formatDateTime, formatEuros, formatNumber, formatPercent, todayIso } from '../format';
import { KINDS, STAGES, STANDARD_INDICATOR_UNITS, kindShortFr, stageLabelsFr } from '../labels';
import { Link } from '../router';
import { useSession } from '../session-context';
import { REGIONS, regionName } from '../territory';

const EXPORTS = [
  { slug: 'cooperations', label: 'Coopérations' },
  { slug: 'stage-history', label: 'Historique des étapes' },
  { slug: 'indicators', label: 'Indicateurs' },
] as const;

export function NetworkDashboardPage() {
  const { session } = useSession();
  const { announce } = useAnnouncer();
  const role = session.user.role;
  // regionalActivity is for networks (their régions) and operators only: members and funders see
  // the same aggregates without the live subscription (they refresh the page or change the date).
  const live = role === 'NETWORK' || role === 'ADMIN';
  const regions = role === 'NETWORK' ? session.user.regions : REGIONS.map((r) => r.code);
  const [region, setRegion] = useState(role === 'NETWORK' ? (regions[0] ?? '11') : '11');
  const [regionTouched, setRegionTouched] = useState(false);
  // Members and funders start on the région of their own organisation.
  const organisationId = session.user.organisationId;
  const own = useQuery(ORGANISATION, { variables: { id: organisationId ?? '' }, skip: live || !organisationId, fetchPolicy: 'cache-first' });
  const myRegion = own.data?.organisation?.regionCode;
  useEffect(() => {
    if (myRegion && !regionTouched) setRegion(myRegion);
  }, [myRegion, regionTouched]);
  // The date shown is in the address (?au=2026-01-15): a reload or a link keeps it.
  const [asOf, setAsOf] = useAsOfInAddress(todayIso());
  const { data, error, loading, refetch } = useQuery(REGIONAL_DASHBOARD, { variables: { region, asOf: asOf || null }, fetchPolicy: 'network-only' });
  const [feed, setFeed] = useState<RegionalActivityView[]>([]);
  const [lastUpdate, setLastUpdate] = useState<string | null>(null);
  const pendingRefetch = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Live: every fact of the région refreshes today's dashboard (batched over 300 ms).
  useSubscription(REGIONAL_ACTIVITY, {
    variables: { region },
    skip: !live || (role === 'NETWORK' && !regions.includes(region)),
    onData: ({ data: message }) => {
      const activity = message.data?.regionalActivity;
      if (!activity) return;
      setFeed((f) => [activity, ...f].slice(0, 8));
      if (asOf) return;
      if (pendingRefetch.current) clearTimeout(pendingRefetch.current);
      pendingRefetch.current = setTimeout(() => {
        void refetch().then(() => setLastUpdate(new Date().toISOString()));
      }, 300);
    },
  });
  useEffect(() => () => {
    if (pendingRefetch.current) clearTimeout(pendingRefetch.current);
  }, []);

  const exportFile = async (slug: string, format: 'csv' | 'xlsx') => {
    try {
      const name = await downloadExport(`/exports/${slug}.${format}`, { region, asOf: asOf || undefined }, session.accessToken);
      announce(`Export téléchargé : ${name}`, 'success');
    } catch (e) {
      announce(e instanceof Error ? e.message : 'Export impossible.', 'error');
    }
  };

  const dashboard = data?.regionalDashboard;
  return (
    <>
      <PageTitle>{live ? 'Tableau de bord régional' : 'Statistiques régionales'}</PageTitle>
      <form className="toolbar card" aria-label="Région et date du tableau de bord" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="d-region">Région</label>
          {regions.length > 1 ? (
            <select id="d-region" value={region} onChange={(e) => (setRegion(e.target.value), setRegionTouched(true), setFeed([]))}>
              {regions.map((code) => (
                <option key={code} value={code}>
                  {regionName(code)}
                </option>
              ))}
            </select>
          ) : (
            <output id="d-region" className="output">
              {regionName(region)}
            </output>
          )}
        </div>
        <AsOfDateField id="d-asof" label="Situation au" max={todayIso()} value={asOf} onChange={setAsOf} hintIds={['d-asof-hint']}>
          {asOf && (
            <button type="button" className="button button--small" onClick={() => setAsOf('')}>
              Revenir à aujourd’hui
            </button>
          )}
        </AsOfDateField>
        <p id="d-asof-hint" className="hint">
          {asOf ? `Situation au ${formatDate(asOf)} (pas de mise à jour en direct).` : live ? 'Aujourd’hui, mis à jour en direct.' : 'Aujourd’hui (rechargez la page pour actualiser).'}
          {lastUpdate && !asOf && ` Dernière mise à jour : ${formatDateTime(lastUpdate)}.`}
        </p>
        <div className="exports" role="group" aria-label="Exports">
          {EXPORTS.map((x) => (
            <span key={x.slug} className="exports__item">
              <span className="exports__label">{x.label} :</span>
              <button type="button" className="button button--small" onClick={() => void exportFile(x.slug, 'csv')}>
                CSV<span className="visually-hidden"> {x.label}</span>
              </button>
              <button type="button" className="button button--small" onClick={() => void exportFile(x.slug, 'xlsx')}>
                XLSX<span className="visually-hidden"> {x.label}</span>
              </button>
            </span>
          ))}
        </div>
      </form>
      {error && <ErrorBox>{frenchMessage(error)}</ErrorBox>}
      {loading && !dashboard && <Loading what="du tableau de bord" />}
      {dashboard && <Dashboard d={dashboard} region={region} asOf={asOf} restricted={!live} />}
      {!asOf && live && (
        <Section title="Activité en direct" id="activite">
          {feed.length === 0 ? (
            <p className="muted">Les nouveaux faits de la région apparaîtront ici.</p>
          ) : (
            <ul className="plain-list" data-testid="live-feed">
              {feed.map((a) => (
                <li key={a.eventId}>
                  <Link to={`/cooperations/${a.cooperationId}`}>{a.name ?? 'Coopération'}</Link> : {a.label}
                  {a.stageLabel ? ` (${a.stageLabel})` : ''} — {formatDateTime(a.occurredAt)}
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
    </>
  );
}

/** The unit of a standard indicator, short, for a table's row (“€”, “h”, “ETP”, “personnes”). */
const unitShort = (standard: string): string => {
  const unit = (STANDARD_INDICATOR_UNITS as Record<string, string | undefined>)[standard] ?? '';
  return unit === 'EUR' ? '€' : unit === 'heures' ? 'h' : unit;
};

/** How many stalled cooperations are listed by name (all of them are counted). */
const STALLED_LISTED = 20;

function Dashboard({ d, region, asOf, restricted }: { d: RegionalDashboardView; region: string; asOf: string; restricted: boolean }) {
  const count = (status: string) => d.byStatus.find((s) => s.status === status)?.count ?? 0;
  const stageTotals = STAGES.map((stage) => ({ stage, count: d.byKindStage.filter((r) => r.stage === stage).reduce((s, r) => s + r.count, 0) }));
  const stalled = useQuery(COOPERATIONS, {
    variables: { first: STALLED_LISTED, filter: { region, status: 'ACTIVE', stalledForDays: d.stalled.days } },
    skip: Boolean(asOf) || d.stalled.count === 0,
    fetchPolicy: 'network-only',
  });
  // The latest year first: the table may scroll sideways, the years left of it are the recent ones.
  const insertionYears = useMemo(() => [...new Set(d.insertion.map((i) => i.year))].sort((a, b) => b - a), [d.insertion]);
  const insertionRows = useMemo(() => [...new Map(d.insertion.map((i) => [i.standard, i.label])).entries()], [d.insertion]);

  return (
    <div className="dashboard" data-testid="dashboard">
      <ul className="kpis" aria-label="Chiffres clés">
        <li className="kpi">
          <span className="kpi__value" data-testid="kpi-active">
            {formatNumber(count('ACTIVE'))}
          </span>
          <span className="kpi__label">coopérations en cours</span>
        </li>
        <li className="kpi">
          <span className="kpi__value">{formatNumber(count('CLOSED'))}</span>
          <span className="kpi__label">clôturées</span>
        </li>
        <li className="kpi">
          <span className="kpi__value">{formatNumber(count('ABANDONED'))}</span>
          <span className="kpi__label">abandonnées</span>
        </li>
        <li className="kpi">
          <span className="kpi__value" data-testid="kpi-stalled">
            {formatNumber(d.stalled.count)}
          </span>
          <span className="kpi__label">sans activité depuis {d.stalled.days} jours</span>
        </li>
        <li className="kpi">
          <span className="kpi__value">{formatEuros(d.funding.granted)}</span>
          <span className="kpi__label">financements accordés ({formatEuros(d.funding.disbursed)} versés)</span>
        </li>
      </ul>

      <div className="grid-2">
        <Section title="Entonnoir des étapes" id="entonnoir">
          <EChart
            caption={`Coopérations en cours par étape et par type, ${d.regionName}, au ${formatDate(asOf || d.asOf)}`}
            label={`Coopérations en cours par étape : ${stageTotals.map((s) => `${stageLabelsFr[s.stage]} ${s.count}`).join(', ')}`}
            height={260}
            option={{
              grid: { left: 120, right: 24, top: 36, bottom: 24 },
              legend: { top: 0, itemWidth: 14, itemHeight: 10 },
              tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
              xAxis: { type: 'value', minInterval: 1 },
              yAxis: { type: 'category', inverse: true, data: STAGES.map((s) => stageLabelsFr[s]) },
              series: KINDS.map((k) => ({
                type: 'bar',
                stack: 'etapes',
                name: kindShortFr[k],
                barMaxWidth: 28,
                data: STAGES.map((s) => d.byKindStage.find((r) => r.kind === k && r.stage === s)?.count ?? 0),
              })),
            }}
            testId="funnel"
          />
          <StageKindTable d={d} visible />
        </Section>
        <Section title="Par département" id="departements">
          <EChart
            caption={`Coopérations en cours par département, au ${formatDate(asOf || d.asOf)} ; une coopération présente dans plusieurs départements compte dans chacun.`}
            label={`Coopérations en cours par département (une coopération présente dans plusieurs départements compte dans chacun) : ${d.byDepartement.map((r) => `${r.label} ${r.count}`).join(', ')}`}
            height={Math.max(200, d.byDepartement.length * 32)}
            option={{
              grid: { left: 150, right: 24, top: 8, bottom: 24 },
              tooltip: { trigger: 'axis' },
              xAxis: { type: 'value', minInterval: 1 },
              yAxis: { type: 'category', inverse: true, data: d.byDepartement.map((r) => r.label) },
              series: [{ type: 'bar', data: d.byDepartement.map((r) => r.count), label: { show: true, position: 'right' } }],
            }}
            table={<KeyCountTable rows={d.byDepartement} header="Département" />}
          />
        </Section>
        <Section title="Durée médiane par étape" id="durees">
          <EChart
            caption="Nombre de jours médian passés dans chaque étape"
            label={`Durée médiane : ${d.medianDaysPerStage.map((r) => `${r.stageLabel} ${formatNumber(r.medianDays)} jours`).join(', ')}`}
            height={220}
            option={{
              grid: { left: 110, right: 40, top: 8, bottom: 24 },
              tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${formatNumber(Number(v))} jours` },
              xAxis: { type: 'value' },
              yAxis: { type: 'category', inverse: true, data: d.medianDaysPerStage.map((r) => r.stageLabel) },
              series: [{ type: 'bar', data: d.medianDaysPerStage.map((r) => Math.round(r.medianDays)), label: { show: true, position: 'right' } }],
            }}
            table={
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th scope="col">Étape</th>
                    <th scope="col">Jours (médiane)</th>
                    <th scope="col">Passages</th>
                  </tr>
                </thead>
                <tbody>
                  {d.medianDaysPerStage.map((r) => (
                    <tr key={r.stage}>
                      <td>{r.stageLabel}</td>
                      <td>{formatNumber(r.medianDays)}</td>
                      <td>{r.visits}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
          {d.conversion.length > 0 && (
            <p className="small muted">
              Taux de passage : {d.conversion.map((c) => `${stageLabelsFr[c.stage as keyof typeof stageLabelsFr] ?? c.stage} → ${stageLabelsFr[c.next as keyof typeof stageLabelsFr] ?? c.next} ${formatPercent(c.rate)}`).join(' ; ')}
            </p>
          )}
        </Section>
        <Section title="Raisons d’abandon" id="abandons">
          {d.abandonmentReasons.length === 0 ? <p className="muted">Aucun abandon.</p> : <KeyCountTable rows={d.abandonmentReasons} header="Raison" visible />}
        </Section>
        <Section title={`Coopérations à l’arrêt (${formatNumber(d.stalled.count)})`} id="arret">
          <p className="muted small">
            En cours, sans aucun fait depuis {d.stalled.days} jours{asOf ? ` au ${formatDate(asOf)}` : ''}.
          </p>
          <StalledList
            count={d.stalled.count}
            days={d.stalled.days}
            region={region}
            asOf={asOf}
            restricted={restricted}
            edges={stalled.data?.cooperations.edges ?? null}
            more={stalled.data?.cooperations.pageInfo.hasNextPage ?? false}
          />
        </Section>
        <Section title="Insertion" id="insertion">
          {d.insertion.length === 0 ? (
            <p className="muted">Aucune mesure d’insertion enregistrée.</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table className="table table--compact" data-testid="insertion-table">
                <caption className="table__caption">
                  Totaux par année{insertionYears.length > 1 ? `, de la plus récente (${insertionYears[0]}) à la plus ancienne (${insertionYears.at(-1)})` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Indicateur</th>
                    {insertionYears.map((y) => (
                      <th key={y} scope="col" className="num">
                        {y}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {insertionRows.map(([standard, label]) => (
                    <tr key={standard}>
                      <th scope="row">
                        {label}
                        {unitShort(standard) && <span className="muted"> ({unitShort(standard)})</span>}
                      </th>
                      {insertionYears.map((y) => {
                        const row = d.insertion.find((i) => i.standard === standard && i.year === y);
                        return (
                          <td key={y} className="num">
                            {row ? formatNumber(row.total) : '—'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
        <Section title="Financements" id="financements">
          <dl className="summary summary--compact">
            <div className="summary__row">
              <dt>Accordés</dt>
              <dd>{formatEuros(d.funding.granted)}</dd>
            </div>
            <div className="summary__row">
              <dt>Versés</dt>
              <dd>{formatEuros(d.funding.disbursed)}</dd>
            </div>
            <div className="summary__row">
              <dt>Financements</dt>
              <dd>{formatNumber(d.funding.fundings)}</dd>
            </div>
            <div className="summary__row">
              <dt>Financeurs</dt>
              <dd>{formatNumber(d.funding.funders)}</dd>
            </div>
            <div className="summary__row">
              <dt>Coopérations financées</dt>
              <dd>{formatNumber(d.funding.cooperations)}</dd>
            </div>
          </dl>
        </Section>
      </div>
    </div>
  );
}

/**
 * The stalled cooperations by name, saying what the list leaves out: beyond the first ones (with a
 * link to them all), at a past date (the list is today's only), and those a member or a funder
 * may not read (counted in the région, not named).
 */
function StalledList({
  count,
  days,
  region,
  asOf,
  restricted,
  edges,
  more,
}: {
  count: number;
  days: number;
  region: string;
  asOf: string;
  restricted: boolean;
  edges: { node: { id: string; name: string; stageLabel: string; lastEventAt: string } }[] | null;
  more: boolean;
}) {
  if (count === 0) return <p>Aucune.</p>;
  if (asOf)
    return (
      <p data-testid="stalled-explanation">
        Elles sont comptées à cette date ; leur liste n’existe que pour la situation d’aujourd’hui (bouton « Revenir à aujourd’hui »).
      </p>
    );
  if (!edges) return <Loading what="des coopérations à l’arrêt" />;
  const all = `/cooperations?region=${encodeURIComponent(region)}&arret=${days}`;
  return (
    <>
      {more ? (
        <p data-testid="stalled-explanation">
          Les {formatNumber(edges.length)} premières sur {formatNumber(count)} :
        </p>
      ) : (
        edges.length < count &&
        restricted && (
          <p data-testid="stalled-explanation">
            {edges.length === 0
              ? `Aucune de ces ${formatNumber(count)} coopérations n’est ouverte à votre structure : elles sont comptées sans être nommées.`
              : `${formatNumber(edges.length)} sur ${formatNumber(count)} sont ouvertes à votre structure et listées ici ; les autres sont comptées sans être nommées.`}
          </p>
        )
      )}
      {edges.length > 0 && (
        <ul className="plain-list" data-testid="stalled-list">
          {edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/cooperations/${node.id}`}>{node.name}</Link> — {node.stageLabel}, dernier fait le {formatDate(node.lastEventAt)}
            </li>
          ))}
        </ul>
      )}
      {more && (
        <p>
          <Link to={all}>Voir les {formatNumber(count)} coopérations à l’arrêt</Link>
        </p>
      )}
    </>
  );
}

function StageKindTable({ d, visible }: { d: RegionalDashboardView; visible?: boolean }) {
  const cell = (kind: string, stage: string) => d.byKindStage.find((r) => r.kind === kind && r.stage === stage)?.count ?? 0;
  return (
    <div className={visible ? 'table-wrap' : undefined} tabIndex={visible ? 0 : undefined}>
      <table className="table table--compact" data-testid={visible ? 'kind-stage-table' : undefined}>
        <caption className={visible ? 'table__caption' : 'visually-hidden'}>Coopérations en cours par type et par étape</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            {STAGES.map((s) => (
              <th key={s} scope="col" className="num">
                {stageLabelsFr[s]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {KINDS.map((k) => (
            <tr key={k}>
              <th scope="row">{kindShortFr[k]}</th>
              {STAGES.map((s) => (
                <td key={s} className="num" data-kind={k} data-stage={s}>
                  {cell(k, s)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyCountTable({ rows, header, visible }: { rows: { key: string; label: string; count: number }[]; header: string; visible?: boolean }) {
  return (
    <table className="table table--compact">
      {!visible && <caption className="visually-hidden">{header}</caption>}
      <thead>
        <tr>
          <th scope="col">{header}</th>
          <th scope="col" className="num">
            Nombre
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.label}</td>
            <td className="num">{r.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
