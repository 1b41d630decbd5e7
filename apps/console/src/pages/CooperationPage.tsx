import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { COOPERATION, COOPERATION_EVENTS, HISTORY, type CooperationView, type HistoryEntry } from '../api';
import { settle, useCommand, type CommandOutcome } from '../command';
import { EChart } from '../components/EChart';
import { AsOfDateField } from '../components/AsOfDateField';
import { OrganisationCombobox, type PickedOrganisation } from '../components/OrganisationCombobox';
import { Stepper } from '../components/Stepper';
import { StageFactsSection } from './StageFactsSection';
import { FundingSection } from './FundingSection';
import { RenewSection } from './RenewSection';
import { HandOverLeadSection, memberRowId } from './HandOverLeadForm';
import { Badge, ErrorBox, Loading, PageTitle, Section, SendOrCancel, SubmitButton, focusLater } from '../components/ui';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorSummary } from '../components/ErrorSummary';
import { FieldMessage, fieldAria, messageOf, type FieldError } from '../components/FieldMessage';
import { MarketFields, marketFieldId } from '../components/MarketFields';
import { dateProblem, withIncompleteDates } from '../dates';
import { MAX_TEXT, tooLong } from '../funding';
import { errorInfo, frenchMessage, messageFor } from '../errors';
import {
  EMPTY_MARKET,
  deadlineFreezesNow,
  dropUnfinishedCreation,
  frozenWarning,
  marketCommand,
  marketFieldOf,
  readUnfinishedCreation,
  validateMarket,
  type MarketDraft,
  type PendingMarket,
  type UnfinishedCreation,
} from '../market';
import { indicatorErrors, measurementErrors, type IndicatorField, type MeasureField } from '../indicators';
import { formatDate, formatDateTime, formatEuros, formatIndicatorValue, formatMeasurement, formatNumber, formatWithUnit, parseDecimal, todayIso } from '../format';
import {
  ABANDON_REASONS,
  closeOutcomesAt,
  DELIVERABLE_KINDS,
  GME_FORMS,
  MANDATAIRE_LABEL_FR,
  SUPPORT_KINDS,
  supportKindLabelsFr,
  STANDARD_INDICATORS,
  STANDARD_INDICATOR_UNITS,
  standardIndicatorLabelsFr,
  marketOutcomeLabelsFr,
  STAGES,
  abandonReasonLabelsFr,
  closeOutcomeLabelsFr,
  deliverableKindLabelsFr,
  gmeFormLabelsFr,
  memberRoleLabelsFr,
  objectiveLabelsFr,
  ROLES_BY_KIND,
  sectorLabelsFr,
  stageLabelsFr,
  type CooperationKind,
  type Stage,
} from '../labels';
import { Link, useRouter } from '../router';
import { roleLabelsFr, type Role } from '../session';
import { useSession } from '../session-context';
import { departementName, regionName } from '../territory';
import { statusTone } from './CooperationListPage';

type Coop = CooperationView;

/** What the signed-in user may do on this cooperation (the API enforces the same rules). */
export interface Abilities {
  memberCommands: boolean;
  lifecycle: boolean;
  networkCommands: boolean;
  /** A funder grants in its own name, and records disbursements or the end of its own grants. */
  funding: boolean;
  /** Why lifecycle buttons are unavailable, when they are. */
  lifecycleReason: string | null;
  /** A closed cooperation, not yet renewed, may be renewed by its lead organisation or mandataire. */
  renew: boolean;
  /** The lead organisation's users hand the steering over to another member (« Transmettre le pilotage »). */
  handOver: boolean;
}

export function abilitiesFor(role: Role, organisationId: string | null, coop: Coop): Abilities {
  const active = coop.status === 'ACTIVE';
  const isMember = role === 'MEMBER' && organisationId !== null && coop.members.some((m) => m.organisationId === organisationId);
  const steering = isMember && (organisationId === coop.leadOrganisationId || organisationId === coop.mandataireId);
  let lifecycleReason: string | null = null;
  if (!active) lifecycleReason = 'La coopération est terminée : plus aucune étape ne peut changer.';
  else if (!steering) lifecycleReason = 'Seuls la structure porteuse et le mandataire peuvent faire avancer la coopération.';
  return {
    memberCommands: isMember && active,
    lifecycle: steering && active,
    networkCommands: role === 'NETWORK' && active,
    funding: role === 'FUNDER' && organisationId !== null && active,
    lifecycleReason,
    renew: steering && coop.status === 'CLOSED' && !coop.successorId,
    handOver: isMember && active && organisationId === coop.leadOrganisationId,
  };
}

/** The refusals of today's state that mean the cooperation is no longer the user's to read. */
const LOST_ACCESS = new Set(['NOT_FOUND', 'FORBIDDEN']);

export function CooperationPage({ id }: { id: string }) {
  const { session } = useSession();
  const { search, navigate, path } = useRouter();
  const [asOf, setAsOf] = useState('');
  // “La coopération a été créée…” (?creee=1 from the wizard) is said once: the parameter leaves the
  // address (a reload or a link does not say it again) and the notice goes once the cooperation changes.
  const [justCreated] = useState(() => search.get('creee') !== null);
  const createdVersion = useRef<number | null>(null);
  useEffect(() => {
    if (!justCreated) return;
    const next = new URLSearchParams(window.location.search);
    next.delete('creee');
    const rest = next.toString();
    navigate(`${path}${rest ? `?${rest}` : ''}`, { replace: true });
    // Once, on opening: the address is read then.
  }, [justCreated]);
  // What the creation wizard could not record (a follow-up command refused), said once here.
  const [unfinished] = useState<UnfinishedCreation | null>(() => readUnfinishedCreation(id));
  useEffect(() => {
    // Only the market typed is kept until it is recorded; the notes are shown this once.
    if (unfinished && !unfinished.market) dropUnfinishedCreation(id);
  }, [unfinished, id]);
  const { data, error, refetch } = useQuery(COOPERATION, { variables: { id, asOf: asOf || null }, fetchPolicy: 'network-only', notifyOnNetworkStatusChange: false });
  const history = useQuery(HISTORY, { variables: { id }, fetchPolicy: 'network-only' });
  const current = data?.cooperation;
  // The last state read stays on screen while another date loads, and frames the page when the
  // cooperation did not exist yet at the date chosen (the date field keeps its place and focus).
  // The page is keyed by the cooperation's id (App's routes), so what it read is always this one's.
  const lastRead = useRef<Coop | null>(null);
  if (current) lastRead.current = current;
  // Today's state refused (the access lost meanwhile: a request withdrawn or declined, a former
  // lead removed): what was read before is no longer the user's to see; the page says so.
  const accessLost = !asOf && !current && Boolean(error) && LOST_ACCESS.has(errorInfo(error).code);
  if (accessLost) lastRead.current = null;
  const coop = current ?? lastRead.current ?? undefined;
  if (justCreated && current && createdVersion.current === null) createdVersion.current = current.version;
  const missingAtDate = Boolean(asOf) && !current && Boolean(error);
  // Facts recorded elsewhere (another tab, another member) are signalled, not applied under the
  // user's feet: the banner offers to load them; a command sent meanwhile gets a clear conflict.
  const [latestSeen, setLatestSeen] = useState(0);
  useSubscription(COOPERATION_EVENTS, {
    variables: { id },
    // Only once the cooperation was readable: a hidden one is never subscribed to.
    skip: Boolean(asOf) || !current,
    onData: ({ data: message }) => {
      const version = message.data?.cooperationEvents.version ?? 0;
      setLatestSeen((v) => Math.max(v, version));
    },
  });

  // The refusal of a reload that means the access was lost: the page then says the cooperation is unavailable.
  const [lost, setLost] = useState<unknown>(null);
  const reload = async () => {
    // Never an uncaught rejection: a refusal of today's state that means the access was lost makes
    // the page « Coopération indisponible »; any other stays on the page's last state read.
    const [read] = await Promise.allSettled([refetch(), history.refetch()]);
    if (read.status === 'rejected' && !asOf && LOST_ACCESS.has(errorInfo(read.reason).code)) {
      lastRead.current = null;
      setLost(read.reason);
    }
  };

  if (lost) return <Unavailable error={lost} funder={session.user.role === 'FUNDER'} />;
  if (error && !coop) return <Unavailable error={error} funder={session.user.role === 'FUNDER'} />;
  if (!coop) return <Loading what="de la coopération" />;
  const can = asOf ? { memberCommands: false, lifecycle: false, networkCommands: false, funding: false, lifecycleReason: 'Vue à une date passée : lecture seule.', renew: false, handOver: false } : abilitiesFor(session.user.role, session.user.organisationId, coop);
  const names = new Map(coop.members.map((m) => [m.organisationId, m.organisation?.name ?? 'Structure']));

  return (
    <article className="cooperation" data-testid="cooperation-page" data-version={coop.version}>
      <p className="breadcrumb">
        <Link to={session.user.role === 'FUNDER' ? '/financeur' : '/cooperations'}>{session.user.role === 'FUNDER' ? '← Mon portefeuille' : session.user.role === 'MEMBER' ? '← Mes coopérations' : '← Coopérations'}</Link>
      </p>
      <PageTitle>{coop.name}</PageTitle>
      {unfinished ? (
        <UnfinishedNotice notes={unfinished.notes} />
      ) : (
        justCreated &&
        coop.version === createdVersion.current && (
          <p className="notice" role="status">
            La coopération a été créée. Complétez maintenant ses membres et les points de passage de l’étape « Décision ».
          </p>
        )
      )}
      <div className="meta">
        <Badge>{coop.kindLabel}</Badge>
        {!missingAtDate && (
          <Badge tone={statusTone(coop.status, coop.closeOutcome)}>{coop.status === 'ACTIVE' ? 'En cours' : coop.status === 'CLOSED' ? 'Clôturée' : coop.status === 'ABANDONED' ? 'Abandonnée' : coop.status}</Badge>
        )}
        <span>
          {regionName(coop.regionCode)}
          {coop.departementCodes.length > 0 && ` — ${coop.departementCodes.map(departementName).join(', ')}`}
        </span>
        <span>Proposée le {formatDate(coop.proposedAt)}</span>
        {!missingAtDate && <span data-testid="stage-label">Étape : {coop.stageLabel}</span>}
        <AsOfDateField
          id="coop-asof"
          label="Voir la situation au"
          className="field field--inline asof"
          min={coop.proposedAt.slice(0, 10)}
          max={todayIso()}
          value={asOf}
          onChange={setAsOf}
          hintIds={missingAtDate ? ['coop-asof-absente'] : []}
        >
          {asOf && (
            <button type="button" className="button button--small" onClick={() => setAsOf('')}>
              Aujourd’hui
            </button>
          )}
        </AsOfDateField>
      </div>
      {missingAtDate ? (
        <p className="notice" id="coop-asof-absente" role="status" data-testid="asof-missing">
          {errorInfo(error).code === 'NOT_FOUND'
            ? `La coopération n’existait pas encore à cette date : elle a été proposée le ${formatDate(coop.proposedAt)}.`
            : `La situation à cette date n’a pas pu être lue : ${frenchMessage(error)}`}
        </p>
      ) : (
        <>
          <div role="status" className="stale-slot">
            {!asOf && latestSeen > coop.version && (
              <p className="notice notice--row" data-testid="stale-notice">
                Cette coopération vient d’être modifiée (version {latestSeen}, vous voyez la version {coop.version}).
                <button type="button" className="button button--small" onClick={() => void reload()}>
                  Charger la dernière version
                </button>
              </p>
            )}
          </div>
          <Stepper stage={coop.stage} status={coop.status} />
          {coop.status === 'ABANDONED' && (
            <p className="notice notice--danger" id="abandon-statut">
              Abandonnée : {coop.abandonReason ? abandonReasonLabelsFr[coop.abandonReason as keyof typeof abandonReasonLabelsFr] : ''} {coop.abandonReasonText ?? ''}
            </p>
          )}
          {coop.status === 'CLOSED' && coop.closeOutcome && (
            <p className="notice" id="cloture-statut" data-testid="closed-notice">
              Clôturée : {closeOutcomeLabelsFr[coop.closeOutcome as keyof typeof closeOutcomeLabelsFr]}
            </p>
          )}
          {(coop.renewedFrom || coop.successorId) && (
            <p className="notice" data-testid="renewal-links">
              {coop.renewedFrom && (
                <>
                  Cette coopération en renouvelle une autre, clôturée : <Link to={`/cooperations/${coop.renewedFrom}`}>voir la coopération précédente</Link>.{' '}
                </>
              )}
              {coop.successorId && (
                <>
                  Cette coopération a été renouvelée : <Link to={`/cooperations/${coop.successorId}`}>voir la coopération qui lui succède</Link>.
                </>
              )}
            </p>
          )}

          <div className="columns">
            <div className="columns__main">
              <GateSection coop={coop} can={can} reload={reload} />
              <StageFactsSection coop={coop} editable={can.memberCommands} reload={reload} />
              <MembersSection coop={coop} can={can} reload={reload} />
              {coop.kind === 'JVS' && <SharesSection coop={coop} can={can} reload={reload} />}
              {coop.kind === 'GME' && <MarketSection coop={coop} can={can} reload={reload} pendingMarket={unfinished?.market ?? null} />}
              <IndicatorsSection coop={coop} can={can} reload={reload} />
              <HistorySection entries={history.data?.history ?? []} loading={history.loading && !history.data} names={names} />
            </div>
            <aside className="columns__side" aria-label="Actions et informations">
              <LifecycleSection coop={coop} can={can} reload={reload} />
              {can.renew && <RenewSection coop={coop} />}
              {(can.networkCommands || coop.supports.length > 0) && <SupportSection coop={coop} reload={reload} editable={can.networkCommands} />}
              <Section title="Le projet">
                <dl className="summary summary--compact">
                  <div className="summary__row">
                    <dt>Objectifs</dt>
                    <dd>{coop.objectives.map((o) => objectiveLabelsFr[o as keyof typeof objectiveLabelsFr] ?? o).join(' ; ')}</dd>
                  </div>
                  <div className="summary__row">
                    <dt>Secteurs</dt>
                    <dd>{coop.sectors.map((s) => sectorLabelsFr[s as keyof typeof sectorLabelsFr] ?? s).join(' ; ') || '—'}</dd>
                  </div>
                  {coop.kind === 'GME' && (
                    <div className="summary__row">
                      <dt>Forme du groupement</dt>
                      <dd>{coop.gmeForm ? gmeFormLabelsFr[coop.gmeForm as keyof typeof gmeFormLabelsFr] : 'Non choisie'}</dd>
                    </div>
                  )}
                  <div className="summary__row">
                    <dt>Version</dt>
                    <dd>{coop.version}</dd>
                  </div>
                </dl>
              </Section>
              <FundingSection coop={coop} funderId={can.funding ? session.user.organisationId : null} canRequest={can.memberCommands} reload={reload} />
              <WaiversSection coop={coop} />
            </aside>
          </div>
        </>
      )}
    </article>
  );
}

/** The cooperation cannot be read (never could, or no longer): said, with the way back. */
function Unavailable({ error, funder }: { error: unknown; funder: boolean }) {
  return (
    <div data-testid="cooperation-error">
      <PageTitle>Coopération indisponible</PageTitle>
      <ErrorBox>{frenchMessage(error)}</ErrorBox>
      <p>
        <Link to={funder ? '/financeur' : '/cooperations'}>{funder ? 'Revenir à mon portefeuille' : 'Revenir aux coopérations'}</Link>
      </p>
    </div>
  );
}

/** The cooperation was created, but some of what the wizard asked was not recorded: said, and focused. */
function UnfinishedNotice({ notes }: { notes: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // After the page title took the focus: the user must hear this first.
    ref.current?.focus();
  }, []);
  return (
    <div className="notice notice--danger" role="alert" tabIndex={-1} ref={ref} data-testid="creation-unfinished">
      <p>La coopération a été créée, mais tout n’a pas pu être enregistré :</p>
      <ul>
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
}

interface SectionProps {
  coop: Coop;
  can: Abilities;
  reload: () => Promise<void>;
}

function statusText(item: { status: string; advisory: boolean }) {
  if (item.status === 'SATISFIED') return 'Satisfait';
  if (item.status === 'WAIVED') return 'Dérogation';
  return item.advisory ? 'Recommandé' : 'Manquant';
}

function GateSection({ coop, can, reload }: SectionProps) {
  const { run, pending } = useCommand();
  const gate = coop.gate;
  const missingKinds = useMemo(
    () => [...new Set((gate?.items ?? []).filter((i) => i.status === 'MISSING').flatMap((i) => i.deliverableKinds))],
    [gate],
  );
  const [kind, setKind] = useState('');
  const [title, setTitle] = useState('');
  const [waiving, setWaiving] = useState<string | null>(null);
  const [justification, setJustification] = useState('');
  const [justificationError, setJustificationError] = useState<string | null>(null);
  const chosenKind = kind || missingKinds[0] || DELIVERABLE_KINDS[0];

  const record = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const outcome = await run(
      'recordDeliverable',
      { cooperationId: coop.id, expectedVersion: coop.version, kind: chosenKind, ...(title.trim() ? { title: title.trim() } : {}) },
      `Livrable « ${deliverableKindLabelsFr[chosenKind as keyof typeof deliverableKindLabelsFr]} » enregistré.`,
    );
    await settle(outcome, reload, () => {
      setTitle('');
      setKind('');
    });
  };
  const waive = async (event: FormEvent, itemId: string) => {
    event.preventDefault();
    if (pending) return;
    // Said at the field (the button stays available), as the API's rule: at least 10 characters.
    const problem =
      justification.trim() === ''
        ? 'Indiquez pourquoi ce point ne s’applique pas à la coopération.'
        : justification.trim().length < 10
          ? `La justification compte au moins 10 caractères (${justification.trim().length} pour l’instant).`
          : null;
    setJustificationError(problem);
    if (problem) {
      focusLater(`waive-${itemId}`);
      return;
    }
    const outcome = await run('waiveGateItem', { cooperationId: coop.id, expectedVersion: coop.version, itemId, justification: justification.trim() }, 'Dérogation enregistrée.');
    // The form gives way to the item, now marked “Dérogation”: the focus goes there.
    if (await settle(outcome, reload, () => {
      setWaiving(null);
      setJustification('');
    }))
      focusLater(`gate-item-${itemId}`);
  };
  const openWaiver = (itemId: string) => {
    setWaiving(itemId);
    setJustification('');
    setJustificationError(null);
    focusLater(`waive-${itemId}`);
  };
  const closeWaiver = (itemId: string) => {
    setWaiving(null);
    focusLater(`waive-open-${itemId}`);
  };

  if (!gate) return null;
  return (
    <Section title={`Points de passage de l’étape « ${gate.stageLabel} »`} id="passage">
      <p className={gate.satisfied ? 'gate-state gate-state--ok' : 'gate-state gate-state--missing'} data-testid="gate-state">
        {gate.satisfied ? 'Tous les points obligatoires sont remplis : la coopération peut passer à l’étape suivante.' : 'Des points obligatoires manquent encore.'}
      </p>
      <ul className="checklist" data-testid="gate-checklist">
        {gate.items.map((item) => (
          <li key={item.id} id={`gate-item-${item.id}`} tabIndex={-1} className={`checklist__item checklist__item--${item.status.toLowerCase()}`}>
            <span className="checklist__icon" aria-hidden="true">
              {item.status === 'SATISFIED' ? '✓' : item.status === 'WAIVED' ? '≈' : '○'}
            </span>
            <div className="checklist__body">
              <p className="checklist__label">
                {item.label}
                {item.advisory && <span className="muted"> (recommandé, non bloquant)</span>}
              </p>
              <p className="checklist__status">
                <Badge tone={item.status === 'SATISFIED' ? 'ok' : item.status === 'WAIVED' ? 'info' : item.advisory ? 'neutral' : 'warn'}>{statusText(item)}</Badge>
                {item.status === 'SATISFIED' && item.satisfiedBy && item.satisfiedBy !== 'fact' && (
                  <span className="muted"> par le livrable « {deliverableKindLabelsFr[item.satisfiedBy as keyof typeof deliverableKindLabelsFr] ?? item.satisfiedBy} »</span>
                )}
                {item.status === 'WAIVED' && item.justification && <span className="muted"> — justification : {item.justification}</span>}
                {item.status === 'MISSING' && item.deliverableKinds.length > 0 && (
                  <span className="muted"> — livrable attendu : {item.deliverableKinds.map((k) => deliverableKindLabelsFr[k as keyof typeof deliverableKindLabelsFr] ?? k).join(' ou ')}</span>
                )}
              </p>
              {(can.networkCommands || can.memberCommands) && item.status === 'MISSING' && item.waivable && (
                waiving === item.id ? (
                  <form className="inline-form" onSubmit={(e) => void waive(e, item.id)} noValidate>
                    <div className="field">
                      <label htmlFor={`waive-${item.id}`}>Justification de la dérogation</label>
                      <textarea
                        id={`waive-${item.id}`}
                        required
                        minLength={10}
                        {...fieldAria(`waive-${item.id}`, justificationError, `waive-${item.id}-aide`)}
                        value={justification}
                        onChange={(e) => setJustification(e.target.value)}
                        rows={2}
                      />
                      <p id={`waive-${item.id}-aide`} className="hint">
                        Au moins 10 caractères. La justification est visible des financeurs et des réseaux.
                      </p>
                      <FieldMessage id={`waive-${item.id}`} message={justificationError} testId="waive-erreur" />
                    </div>
                    <SubmitButton className="button button--small button--primary" busy={pending !== null}>
                      Accorder la dérogation
                    </SubmitButton>
                    <button type="button" className="button button--small" onClick={() => closeWaiver(item.id)}>
                      Annuler
                    </button>
                  </form>
                ) : (
                  <button type="button" id={`waive-open-${item.id}`} className="button button--small" onClick={() => openWaiver(item.id)}>
                    Accorder une dérogation<span className="visually-hidden"> pour « {item.label} »</span>
                  </button>
                )
              )}
            </div>
          </li>
        ))}
      </ul>
      {can.memberCommands && (
        <form className="inline-form inline-form--row" onSubmit={(e) => void record(e)} aria-label="Enregistrer un livrable" data-testid="deliverable-form">
          <div className="field">
            <label htmlFor="deliverable-kind">Livrable</label>
            <select id="deliverable-kind" value={chosenKind} onChange={(e) => setKind(e.target.value)}>
              {missingKinds.length > 0 && (
                <optgroup label="Attendus pour cette étape">
                  {missingKinds.map((k) => (
                    <option key={k} value={k}>
                      {deliverableKindLabelsFr[k as keyof typeof deliverableKindLabelsFr] ?? k}
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label="Tous les livrables">
                {DELIVERABLE_KINDS.filter((k) => !missingKinds.includes(k)).map((k) => (
                  <option key={k} value={k}>
                    {deliverableKindLabelsFr[k]}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
          <div className="field">
            <label htmlFor="deliverable-title">Titre ou référence (facultatif)</label>
            <input id="deliverable-title" value={title} onChange={(e) => setTitle(e.target.value)} autoComplete="off" />
          </div>
          <SubmitButton className="button button--primary" busy={pending !== null}>
            Enregistrer le livrable
          </SubmitButton>
        </form>
      )}
      {coop.deliverables.length > 0 && (
        <details className="deliverables">
          <summary>Livrables enregistrés ({coop.deliverables.length})</summary>
          <ul>
            {coop.deliverables.map((d) => (
              <li key={d.deliverableId}>
                {d.kindLabel}
                {d.title ? ` — ${d.title}` : ''} <span className="muted">({stageLabelsFr[d.stage as Stage] ?? d.stage}, {formatDate(d.recordedAt)})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Section>
  );
}

/** A button that stays focusable when unavailable and says why (aria-disabled + description). */
function GuardedButton({
  id,
  reason,
  onClick,
  children,
  tone,
  expanded,
}: {
  id: string;
  reason: string | null;
  onClick: () => void;
  children: ReactNode;
  tone?: 'primary' | 'danger';
  /** For a button that opens a form (`${id}-form`): whether it is open. */
  expanded?: boolean;
}) {
  return (
    <div className="guarded">
      <button
        type="button"
        id={id}
        className={`button${tone ? ` button--${tone}` : ''}`}
        aria-disabled={reason ? 'true' : undefined}
        aria-describedby={reason ? `${id}-reason` : undefined}
        aria-expanded={expanded === undefined || reason ? undefined : expanded}
        aria-controls={expanded ? `${id}-form` : undefined}
        onClick={() => {
          if (!reason) onClick();
        }}
      >
        {children}
      </button>
      {reason && (
        <p id={`${id}-reason`} className="guarded__reason">
          {reason}
        </p>
      )}
    </div>
  );
}

/** The API's limit on the reason of going back (and on the other free texts of a command). */
const MAX_REASON = MAX_TEXT;

/** The fields of the lifecycle forms that can be refused in the browser. */
type LifecycleField = 'reopen-reason' | 'abandon-reason' | 'abandon-text' | 'close-outcome' | 'close-comment';
type LifecycleForm = 'reopen' | 'abandon' | 'close';
/** The first field of each form: it takes the focus when the form opens. */
const FIRST_FIELD: Record<LifecycleForm, LifecycleField> = { reopen: 'reopen-reason', abandon: 'abandon-reason', close: 'close-outcome' };

/** What is wrong with an abandon, field by field (« Autre raison » asks for the précisions). */
export function abandonProblems(reason: string, text: string): Partial<Record<LifecycleField, string>> {
  const found: Partial<Record<LifecycleField, string>> = {};
  if (!reason) found['abandon-reason'] = 'Choisissez la raison principale de l’abandon.';
  if (reason === 'OTHER' && !text.trim()) found['abandon-text'] = 'Précisez la raison de l’abandon : c’est obligatoire avec « Autre raison ».';
  else {
    const long = tooLong(text, MAX_TEXT, 'Les précisions');
    if (long) found['abandon-text'] = long;
  }
  return found;
}

function LifecycleSection({ coop, can, reload }: SectionProps) {
  const { run, pending } = useCommand();
  const [open, setOpen] = useState<LifecycleForm | null>(null);
  // Each form keeps its own text: one typed to go back is not the comment of a closing.
  const [reopenReason, setReopenReason] = useState('');
  const [abandonText, setAbandonText] = useState('');
  const [closeComment, setCloseComment] = useState('');
  const [abandonReason, setAbandonReason] = useState<string>('');
  const [outcome, setOutcome] = useState<string>('');
  // What is wrong in the open form, said at each field when it is sent (its button is never greyed out).
  const [problems, setProblems] = useState<Partial<Record<LifecycleField, string>>>({});
  const index = STAGES.indexOf(coop.stage as Stage);
  const next = STAGES[index + 1];
  const previous = index > 0 ? STAGES[index - 1] : null;
  const missing = coop.gate?.items.filter((i) => i.status === 'MISSING' && !i.advisory) ?? [];
  // The domain's closing rule: only the outcomes it accepts at this stage are offered.
  const outcomes = closeOutcomesAt(coop.kind as CooperationKind, coop.stage as Stage);
  const lostByMarket = coop.kind === 'GME' ? ' Un marché perdu s’enregistre dans « Issue du marché ».' : '';
  const closeHint = `${outcomes.includes('COMPLETED') ? '' : `« ${closeOutcomeLabelsFr.COMPLETED} » se choisit à l’étape « ${stageLabelsFr.CAPITALISATION} ».`}${lostByMarket}`.trim();

  const { session } = useSession();
  // Funders, networks and admins never see lifecycle controls; members of other organisations neither.
  if (session.user.role !== 'MEMBER' || (!can.lifecycle && !can.memberCommands)) return null;

  const advanceReason = can.lifecycleReason ?? (!next ? 'Dernière étape atteinte.' : missing.length ? `Points manquants : ${missing.map((i) => i.label).join(' ; ')}.` : null);
  const base = { cooperationId: coop.id, expectedVersion: coop.version };
  /** One form open at a time, on its first field, with nothing said yet; again: closed. */
  const toggle = (form: LifecycleForm) => {
    setProblems({});
    if (open === form) {
      setOpen(null);
      return;
    }
    setOpen(form);
    focusLater(FIRST_FIELD[form]);
  };
  /** « Annuler »: the form closes (what was typed is kept), the focus back on its button. */
  const cancel = (form: LifecycleForm) => {
    setOpen(null);
    setProblems({});
    focusLater(form);
  };
  const done = async (result: Awaited<ReturnType<typeof run>>) => {
    const opened = open;
    const ok = await settle(result, reload, () => {
      setOpen(null);
      setProblems({});
      if (opened === 'reopen') setReopenReason('');
      if (opened === 'abandon') {
        setAbandonText('');
        setAbandonReason('');
      }
      if (opened === 'close') {
        setCloseComment('');
        setOutcome('');
      }
    });
    // Back on the button that opened the form; once closed, on the renewal the page offers then;
    // once abandoned (the page offers nothing more), on the notice saying so and why.
    if (ok && opened) focusLater(opened === 'reopen' ? 'reopen' : opened === 'close' ? 'renouveler-titre' : 'abandon-statut', 'cycle');
  };

  /**
   * Sends a form's command once nothing is wrong; otherwise says what is wrong under each field,
   * the first of which takes the focus, and sends nothing.
   */
  const submit = (event: FormEvent, found: Partial<Record<LifecycleField, string>>, send: () => Promise<CommandOutcome>) => {
    event.preventDefault();
    if (pending) return;
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      focusLater(first);
      return;
    }
    void send().then(done);
  };
  const reopenProblems = (): Partial<Record<LifecycleField, string>> => {
    const reason = reopenReason.trim();
    if (!reason) return { 'reopen-reason': `Indiquez la raison du retour à l’étape « ${previous ? stageLabelsFr[previous] : ''} ».` };
    const long = tooLong(reason, MAX_REASON, 'La raison');
    return long ? { 'reopen-reason': long } : {};
  };
  const closeProblems = (): Partial<Record<LifecycleField, string>> => {
    const found: Partial<Record<LifecycleField, string>> = {};
    if (!outcome) found['close-outcome'] = 'Choisissez l’issue de la coopération.';
    const long = tooLong(closeComment, MAX_TEXT, 'Le commentaire');
    if (long) found['close-comment'] = long;
    return found;
  };

  return (
    <Section title="Faire évoluer la coopération" id="cycle">
      <div className="actions" data-testid="lifecycle-actions">
        <GuardedButton
          id="advance"
          tone="primary"
          reason={pending ? 'Enregistrement en cours…' : advanceReason}
          onClick={() => void run('advanceStage', { ...base, to: next }, `La coopération passe à l’étape « ${stageLabelsFr[next]} ».`).then(done)}
        >
          {next ? `Passer à l’étape « ${stageLabelsFr[next]} »` : 'Passer à l’étape suivante'}
        </GuardedButton>
        <GuardedButton id="reopen" expanded={open === 'reopen'} reason={can.lifecycleReason ?? (previous ? null : 'La coopération est à la première étape.')} onClick={() => toggle('reopen')}>
          Revenir à l’étape précédente
        </GuardedButton>
        <GuardedButton
          id="close"
          expanded={open === 'close'}
          reason={
            can.lifecycleReason ??
            (outcomes.length === 0 ? `La clôture est possible à partir de l’étape « ${stageLabelsFr.OPERATION} » ; avant, abandonnez la coopération.${lostByMarket}` : null)
          }
          onClick={() => toggle('close')}
        >
          Clôturer
        </GuardedButton>
        <GuardedButton id="abandon" tone="danger" expanded={open === 'abandon'} reason={can.lifecycleReason} onClick={() => toggle('abandon')}>
          Abandonner
        </GuardedButton>
      </div>
      {open === 'reopen' && previous && (
        <form
          id="reopen-form"
          className="inline-form"
          noValidate
          aria-label="Revenir à l’étape précédente"
          data-testid="reopen-form"
          onSubmit={(e) =>
            submit(e, reopenProblems(), () => run('reopenStage', { ...base, to: previous, reason: reopenReason.trim() }, `Retour à l’étape « ${stageLabelsFr[previous]} ».`))
          }
        >
          <div className="field">
            <label htmlFor="reopen-reason">Pourquoi revenir à « {stageLabelsFr[previous]} » ?</label>
            <textarea id="reopen-reason" rows={2} required value={reopenReason} onChange={(e) => setReopenReason(e.target.value)} {...fieldAria('reopen-reason', problems['reopen-reason'])} />
            <FieldMessage id="reopen-reason" message={problems['reopen-reason']} />
          </div>
          <SendOrCancel className="actions" tone="primary" busy={pending !== null} onCancel={() => cancel('reopen')}>
            Confirmer le retour
          </SendOrCancel>
        </form>
      )}
      {open === 'abandon' && (
        <form
          id="abandon-form"
          className="inline-form"
          noValidate
          aria-label="Abandonner la coopération"
          data-testid="abandon-form"
          onSubmit={(e) =>
            submit(e, abandonProblems(abandonReason, abandonText), () =>
              run('abandonCooperation', { ...base, reason: abandonReason, ...(abandonText.trim() ? { reasonText: abandonText.trim() } : {}) }, 'La coopération est abandonnée.'),
            )
          }
        >
          <div className="field">
            <label htmlFor="abandon-reason">Raison principale</label>
            <select id="abandon-reason" required value={abandonReason} onChange={(e) => setAbandonReason(e.target.value)} {...fieldAria('abandon-reason', problems['abandon-reason'])}>
              <option value="">Choisir une raison</option>
              {ABANDON_REASONS.map((r) => (
                <option key={r} value={r}>
                  {abandonReasonLabelsFr[r]}
                </option>
              ))}
            </select>
            <FieldMessage id="abandon-reason" message={problems['abandon-reason']} />
          </div>
          <div className="field">
            <label htmlFor="abandon-text">{abandonReason === 'OTHER' ? 'Précisions (obligatoire avec « Autre raison »)' : 'Précisions (facultatif)'}</label>
            <textarea
              id="abandon-text"
              rows={2}
              required={abandonReason === 'OTHER'}
              value={abandonText}
              onChange={(e) => setAbandonText(e.target.value)}
              {...fieldAria('abandon-text', problems['abandon-text'])}
            />
            <FieldMessage id="abandon-text" message={problems['abandon-text']} />
          </div>
          <SendOrCancel className="actions" tone="danger" busy={pending !== null} onCancel={() => cancel('abandon')}>
            Confirmer l’abandon
          </SendOrCancel>
        </form>
      )}
      {open === 'close' && outcomes.length > 0 && (
        <form
          id="close-form"
          className="inline-form"
          noValidate
          aria-label="Clôturer la coopération"
          data-testid="close-form"
          onSubmit={(e) =>
            submit(e, closeProblems(), () =>
              run('closeCooperation', { ...base, outcome, ...(closeComment.trim() ? { comment: closeComment.trim() } : {}) }, 'La coopération est clôturée.'),
            )
          }
        >
          <div className="field">
            <label htmlFor="close-outcome">Issue</label>
            <select id="close-outcome" required value={outcome} onChange={(e) => setOutcome(e.target.value)} {...fieldAria('close-outcome', problems['close-outcome'], ...(closeHint ? ['close-outcome-aide'] : []))}>
              <option value="">Choisir une issue</option>
              {outcomes.map((o) => (
                <option key={o} value={o}>
                  {closeOutcomeLabelsFr[o]}
                </option>
              ))}
            </select>
            {closeHint && (
              <p id="close-outcome-aide" className="hint">
                {closeHint}
              </p>
            )}
            <FieldMessage id="close-outcome" message={problems['close-outcome']} />
          </div>
          <div className="field">
            <label htmlFor="close-comment">Commentaire (facultatif)</label>
            <textarea id="close-comment" rows={2} value={closeComment} onChange={(e) => setCloseComment(e.target.value)} {...fieldAria('close-comment', problems['close-comment'])} />
            <FieldMessage id="close-comment" message={problems['close-comment']} />
          </div>
          <SendOrCancel className="actions" tone="primary" busy={pending !== null} onCancel={() => cancel('close')}>
            Confirmer la clôture
          </SendOrCancel>
        </form>
      )}
    </Section>
  );
}

function MembersSection({ coop, can, reload }: SectionProps) {
  const { run, pending } = useCommand();
  const [organisation, setOrganisation] = useState<PickedOrganisation | null>(null);
  // Remounts the search field once a member is added (empties it).
  const [pickerKey, setPickerKey] = useState(0);
  const [role, setRole] = useState('');
  const [mandataire, setMandataire] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeReason, setRemoveReason] = useState('');
  const roles = ROLES_BY_KIND[coop.kind as CooperationKind] ?? [];

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!organisation || pending) return;
    const outcome = await run(
      'addMember',
      { cooperationId: coop.id, expectedVersion: coop.version, organisationId: organisation.id, ...(role ? { role } : {}) },
      `${organisation.name} ajoutée aux membres.`,
    );
    // Added: the search field, emptied, takes the focus for the next member (refused: the focus
    // stays on the button, what was chosen is kept).
    if (await settle(outcome, reload, () => {
      setOrganisation(null);
      setPickerKey((k) => k + 1);
      setRole('');
    }))
      focusLater('member-org');
  };
  const designate = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const outcome = await run('designateMandataire', { cooperationId: coop.id, expectedVersion: coop.version, organisationId: mandataire }, 'Mandataire désigné.');
    if (await settle(outcome, reload, () => setMandataire(''))) focusLater('mandataire');
  };
  const remove = async (event: FormEvent, organisationId: string, name: string) => {
    event.preventDefault();
    const outcome = await run(
      'removeMember',
      { cooperationId: coop.id, expectedVersion: coop.version, organisationId, ...(removeReason.trim() ? { reason: removeReason.trim() } : {}) },
      `${name} ne fait plus partie des membres.`,
    );
    await settle(outcome, reload, () => {
      setRemoving(null);
      setRemoveReason('');
    });
  };

  return (
    <Section title={`Membres (${coop.members.length})`} id="membres">
      <div className="table-wrap" tabIndex={0}>
        <table className="table" data-testid="members-table">
          <caption className="visually-hidden">Membres de la coopération et leur rôle</caption>
          <thead>
            <tr>
              <th scope="col">Structure</th>
              <th scope="col">Rôle</th>
              <th scope="col">ESS</th>
              <th scope="col">Depuis le</th>
              {can.memberCommands && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {coop.members.map((m) => (
              <tr key={m.organisationId} data-member-id={m.organisationId}>
                <th scope="row" id={memberRowId(m.organisationId)}>
                  {m.organisation?.name ?? <span className="muted">Structure {m.organisationId.slice(0, 8)}</span>}
                  {m.organisationId === coop.leadOrganisationId && <Badge tone="info">Porteuse</Badge>}
                  {m.organisation && <span className="muted small"> {m.organisation.kindLabel}</span>}
                </th>
                <td>
                  {m.roleLabel}
                  {m.mandataire && (
                    <>
                      {' '}
                      <Badge tone="ok">{MANDATAIRE_LABEL_FR}</Badge>
                    </>
                  )}
                </td>
                <td>{m.ess ? 'Oui' : 'Non'}</td>
                <td>{formatDate(m.joinedAt)}</td>
                {can.memberCommands && (
                  <td>
                    {m.organisationId !== coop.leadOrganisationId && removing !== m.organisationId && (
                      <button type="button" className="button button--small" onClick={() => (setRemoving(m.organisationId), setRemoveReason(''))}>
                        Retirer<span className="visually-hidden"> {m.organisation?.name ?? 'cette structure'}</span>
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {can.memberCommands && removing && (
        <RemoveMemberForm
          name={names(coop).get(removing) ?? 'cette structure'}
          reason={removeReason}
          setReason={setRemoveReason}
          busy={pending !== null}
          onCancel={() => setRemoving(null)}
          onSubmit={(e) => void remove(e, removing, names(coop).get(removing) ?? 'La structure')}
        />
      )}
      {can.memberCommands && (
        <form className="inline-form inline-form--row" onSubmit={(e) => void add(e)} aria-label="Ajouter un membre" data-testid="add-member-form">
          <OrganisationCombobox
            key={pickerKey}
            id="member-org"
            label="Structure à ajouter"
            hint="Tapez au moins deux lettres de son nom, ou son SIRET, puis choisissez-la dans la liste."
            value={organisation}
            onChange={setOrganisation}
            exclude={coop.members.map((m) => m.organisationId)}
            required
          />
          {roles.length > 1 && (
            <div className="field">
              <label htmlFor="member-role">Rôle</label>
              <select id="member-role" value={role} onChange={(e) => setRole(e.target.value)}>
                <option value="">Selon le type de structure</option>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {memberRoleLabelsFr[r]}
                  </option>
                ))}
              </select>
            </div>
          )}
          <SubmitButton className="button button--primary" disabled={!organisation} busy={pending !== null}>
            Ajouter le membre
          </SubmitButton>
        </form>
      )}
      {can.memberCommands && coop.kind === 'GME' && (
        <form className="inline-form inline-form--row" onSubmit={(e) => void designate(e)} aria-label="Désigner le mandataire" data-testid="mandataire-form">
          <div className="field field--grow">
            <label htmlFor="mandataire">Mandataire du groupement</label>
            <select id="mandataire" value={mandataire} onChange={(e) => setMandataire(e.target.value)}>
              <option value="">Choisir parmi les membres</option>
              {coop.members.map((m) => (
                <option key={m.organisationId} value={m.organisationId}>
                  {m.organisation?.name ?? m.organisationId}
                  {m.mandataire ? ' (mandataire actuel)' : ''}
                </option>
              ))}
            </select>
          </div>
          <SubmitButton disabled={!mandataire} busy={pending !== null}>
            Désigner le mandataire
          </SubmitButton>
        </form>
      )}
      {can.handOver && <HandOverLeadSection coop={coop} names={names(coop)} reload={reload} />}
    </Section>
  );
}

const names = (coop: Coop) => new Map(coop.members.map((m) => [m.organisationId, m.organisation?.name ?? `Structure ${m.organisationId.slice(0, 8)}`]));

function RemoveMemberForm({ name, reason, setReason, busy, onCancel, onSubmit }: { name: string; reason: string; setReason: (v: string) => void; busy: boolean; onCancel: () => void; onSubmit: (e: FormEvent) => void }) {
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label={`Retirer ${name}`} data-testid="remove-member-form">
      <p>
        Retirer <strong>{name}</strong> de la coopération ? Elle n’y aura plus accès ; l’historique garde sa trace.
      </p>
      <div className="field">
        <label htmlFor="remove-reason">Raison (facultatif)</label>
        <textarea id="remove-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" className="button button--danger" disabled={busy}>
          Confirmer le retrait
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </form>
  );
}

function SharesSection({ coop, can, reload }: SectionProps) {
  const { run, pending } = useCommand();
  const current = coop.shareholding?.final ?? coop.shareholding?.planned ?? [];
  const [phase, setPhase] = useState<'PLANNED' | 'FINAL'>(coop.shareholding?.planned ? 'FINAL' : 'PLANNED');
  const [shares, setShares] = useState<Record<string, string>>(() => Object.fromEntries(current.map((s) => [s.organisationId, String(s.percent)])));
  const numbers = coop.members.map((m) => ({ member: m, percent: Number((shares[m.organisationId] ?? '').replace(',', '.')) || 0 }));
  const total = numbers.reduce((sum, n) => sum + n.percent, 0);
  const ess = numbers.filter((n) => n.member.ess).reduce((sum, n) => sum + n.percent, 0);
  const majority = ess > 50;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const outcome = await run(
      'setShareholding',
      { cooperationId: coop.id, expectedVersion: coop.version, phase, shares: numbers.filter((n) => n.percent > 0).map((n) => ({ organisationId: n.member.organisationId, percent: n.percent })) },
      'Répartition du capital enregistrée.',
    );
    await settle(outcome, reload);
  };

  return (
    <Section title="Répartition du capital (JVS)" id="capital">
      {coop.shareholding && (
        <p>
          Dernière répartition enregistrée : {formatNumber(coop.shareholding.essPercent)} % détenus par l’ESS sur {formatNumber(coop.shareholding.totalPercent)} %.
        </p>
      )}
      <form onSubmit={(e) => void save(e)} className="form" aria-label="Définir la répartition du capital">
        <div className="table-wrap" tabIndex={0}>
          <table className="table">
            <caption className="visually-hidden">Parts de chaque associé</caption>
            <thead>
              <tr>
                <th scope="col">Associé</th>
                <th scope="col">ESS</th>
                <th scope="col">Part (%)</th>
              </tr>
            </thead>
            <tbody>
              {coop.members.map((m) => (
                <tr key={m.organisationId}>
                  <th scope="row">
                    <label htmlFor={`share-${m.organisationId}`}>{m.organisation?.name ?? m.organisationId}</label>
                  </th>
                  <td>{m.ess ? 'Oui' : 'Non'}</td>
                  <td>
                    <input
                      id={`share-${m.organisationId}`}
                      className="input--narrow"
                      inputMode="decimal"
                      value={shares[m.organisationId] ?? ''}
                      readOnly={!can.memberCommands}
                      onChange={(e) => setShares((s) => ({ ...s, [m.organisationId]: e.target.value }))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className={`ess-indicator ${majority ? 'ess-indicator--ok' : 'ess-indicator--ko'}`} aria-live="polite" data-testid="ess-indicator">
          Part de l’ESS : {formatNumber(ess)} % — {majority ? 'majorité ESS atteinte' : 'majorité ESS non atteinte (plus de 50 % requis)'}. Total : {formatNumber(total)} %
          {total !== 100 ? ' (doit faire 100 %)' : ''}.
        </p>
        {can.memberCommands && (
          <div className="form__actions">
            <div className="field field--inline">
              <label htmlFor="share-phase">Répartition</label>
              <select id="share-phase" value={phase} onChange={(e) => setPhase(e.target.value as 'PLANNED' | 'FINAL')}>
                <option value="PLANNED">Prévisionnelle</option>
                <option value="FINAL">Définitive</option>
              </select>
            </div>
            <SubmitButton className="button button--primary" disabled={total <= 0} busy={pending !== null}>
              Enregistrer la répartition
            </SubmitButton>
          </div>
        )}
      </form>
    </Section>
  );
}

function MarketSection({ coop, can, reload, pendingMarket }: SectionProps & { pendingMarket: PendingMarket | null }) {
  const market = coop.market;
  return (
    <Section title="Marché visé (GME)" id="marche">
      {can.memberCommands && !coop.gmeForm && <GmeFormForm coop={coop} reload={reload} />}
      {!market ? (
        can.memberCommands ? <MarketForm coop={coop} reload={reload} pendingMarket={pendingMarket} /> : <p className="muted">Aucun marché enregistré pour l’instant.</p>
      ) : (
        <dl className="summary" data-testid="market">
          <div className="summary__row">
            <dt>Acheteur</dt>
            <dd>{market.buyerName}</dd>
          </div>
          <div className="summary__row">
            <dt>Montant</dt>
            <dd>{market.amountExclVat > 0 ? `${formatEuros(market.amountExclVat)} HT` : 'Non renseigné'}</dd>
          </div>
          <div className="summary__row">
            <dt>Durée</dt>
            <dd>{market.durationMonths} mois</dd>
          </div>
          <div className="summary__row">
            <dt>Code CPV</dt>
            <dd>{market.cpvCode ?? 'Sans objet (marché privé)'}</dd>
          </div>
          <div className="summary__row">
            <dt>Procédures</dt>
            <dd>{market.procedures.map((p) => p.label).join(' ; ')}</dd>
          </div>
          {market.bidDeadline && (
            <div className="summary__row">
              <dt>Remise des offres</dt>
              <dd>{formatDate(market.bidDeadline)}</dd>
            </div>
          )}
          <div className="summary__row">
            <dt>Issue</dt>
            <dd>{market.outcome === 'AWARDED' ? `Attribué${market.startDate ? `, début le ${formatDate(market.startDate)}` : ''}` : market.outcome === 'LOST' ? 'Perdu' : 'En attente'}</dd>
          </div>
          {market.lots.length > 0 && (
            <div className="summary__row">
              <dt>Lots</dt>
              <dd>{market.lots.map((l) => `n° ${l.number} : ${l.label}`).join(' ; ')}</dd>
            </div>
          )}
        </dl>
      )}
      {market && !market.outcome && can.memberCommands && <MarketOutcomeForm coop={coop} reload={reload} />}
    </Section>
  );
}

function GmeFormForm({ coop, reload }: { coop: Coop; reload: () => Promise<void> }) {
  const { run, pending } = useCommand();
  const [form, setForm] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    if (await settle(await run('setGmeForm', { cooperationId: coop.id, expectedVersion: coop.version, form }, 'Forme du groupement enregistrée.'), reload, () => setForm('')))
      focusLater('marche-titre');
  };
  return (
    <form className="inline-form inline-form--row" onSubmit={(e) => void submit(e)} aria-label="Choisir la forme du groupement">
      <div className="field">
        <label htmlFor="gme-form">Forme du groupement</label>
        <select id="gme-form" value={form} onChange={(e) => setForm(e.target.value)}>
          <option value="">Choisir</option>
          {GME_FORMS.map((f) => (
            <option key={f} value={f}>
              {gmeFormLabelsFr[f]}
            </option>
          ))}
        </select>
      </div>
      <SubmitButton disabled={!form} busy={pending !== null}>
        Enregistrer la forme
      </SubmitButton>
    </form>
  );
}

const NO_ERRORS: FieldError[] = [];

function MarketForm({ coop, reload, pendingMarket }: { coop: Coop; reload: () => Promise<void>; pendingMarket: PendingMarket | null }) {
  const { run, pending } = useCommand();
  // A market the wizard could not record comes back here as it was typed, with the API's reason.
  const [m, setM] = useState<MarketDraft>(pendingMarket?.draft ?? EMPTY_MARKET);
  const [errors, setErrors] = useState<FieldError[]>(() =>
    pendingMarket?.field ? [{ field: pendingMarket.field, message: pendingMarket.reason }] : [],
  );
  // The summary (which takes the focus) once the user submits; a market brought back from the
  // wizard shows its refusal at the field only, below the page's note that has the focus.
  const [submitted, setSubmitted] = useState(false);
  const [askDeadline, setAskDeadline] = useState(false);

  const button = useRef<HTMLButtonElement>(null);
  const send = async () => {
    const outcome = await run('recordMarket', { cooperationId: coop.id, expectedVersion: coop.version, ...marketCommand(m) }, 'Marché visé enregistré.');
    if (!outcome.ok && outcome.error) {
      // The API's refusal, next to the field it names (the announcement says it too).
      const field = marketFieldOf(outcome.error.extensions.field);
      if (field) setErrors([{ field, message: messageFor(outcome.error) }]);
      else button.current?.focus();
    }
    if (await settle(outcome, reload, () => setM(EMPTY_MARKET))) {
      dropUnfinishedCreation(coop.id);
      // The form gives way to the market recorded.
      focusLater('marche-titre');
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    // A bid deadline partly typed has no value: said at the field rather than sent without it.
    const found = withIncompleteDates(validateMarket(m), ['bidDeadline'], (field) => marketFieldId('m', field));
    setSubmitted(true);
    setErrors(found);
    if (found.length) return;
    // A deadline already reached freezes the members at once: ask while members are being gathered.
    if (coop.stage === 'DECISION' && deadlineFreezesNow(m.bidDeadline, todayIso())) {
      setAskDeadline(true);
      return;
    }
    await send();
  };
  return (
    <>
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Enregistrer le marché visé" noValidate data-testid="market-form">
      <p className="muted">Aucun marché enregistré pour l’instant. Renseignez-le dès qu’il est identifié :</p>
      <ErrorSummary errors={submitted ? errors : NO_ERRORS} testId="market-errors" />
      <MarketFields prefix="m" market={m} onChange={setM} errors={errors} />
      <p>
        <SubmitButton className="button button--primary" busy={pending !== null} buttonRef={button}>
          Enregistrer le marché
        </SubmitButton>
      </p>
    </form>
      {askDeadline && (
        <ConfirmDialog
          title="Date limite de remise des offres déjà atteinte"
          confirmLabel="Enregistrer le marché avec cette date"
          busy={pending !== null}
          onConfirm={() => {
            setAskDeadline(false);
            void send();
          }}
          onCancel={() => {
            setAskDeadline(false);
            focusLater(marketFieldId('m', 'bidDeadline'));
          }}
        >
          <p>{frozenWarning(m.bidDeadline, todayIso())}</p>
          <p>Enregistrez cette date seulement si les offres sont bien déjà remises ; sinon, corrigez-la.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function MarketOutcomeForm({ coop, reload }: { coop: Coop; reload: () => Promise<void> }) {
  const { run, pending } = useCommand();
  const [outcome, setOutcome] = useState('');
  const [startDate, setStartDate] = useState('');
  const [startError, setStartError] = useState<string | null>(null);
  const [askLost, setAskLost] = useState(false);
  const send = async () => {
    const lost = outcome === 'LOST';
    const input = { cooperationId: coop.id, expectedVersion: coop.version, outcome, ...(outcome === 'AWARDED' && startDate ? { startDate } : {}) };
    const message = lost ? `Marché perdu enregistré : la coopération est clôturée (issue « ${closeOutcomeLabelsFr.TENDER_LOST} »).` : 'Issue du marché enregistrée.';
    // Lost, the cooperation is closed: the focus goes to the notice saying so.
    if (await settle(await run('recordMarketOutcome', input, message), reload, () => (setOutcome(''), setStartDate('')))) focusLater(lost ? 'cloture-statut' : 'marche-titre');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const problem = outcome === 'AWARDED' ? dateProblem('m-start', startDate, 'Indiquez la date de démarrage du marché.') : null;
    setStartError(problem);
    if (problem) {
      focusLater('m-start');
      return;
    }
    // A lost market closes the cooperation for good: asked first, as an abandon is.
    if (outcome === 'LOST') {
      setAskLost(true);
      return;
    }
    await send();
  };
  return (
    <>
    <form className="inline-form inline-form--row" onSubmit={(e) => void submit(e)} aria-label="Enregistrer l’issue du marché" noValidate>
      <div className="field">
        <label htmlFor="m-outcome">Issue du marché</label>
        <select id="m-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">Choisir</option>
          <option value="AWARDED">{marketOutcomeLabelsFr.AWARDED}</option>
          <option value="LOST">{marketOutcomeLabelsFr.LOST} (clôt la coopération)</option>
        </select>
      </div>
      {outcome === 'AWARDED' && (
        <div className="field">
          <label htmlFor="m-start">Date de démarrage</label>
          <input id="m-start" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} {...fieldAria('m-start', startError)} />
          <FieldMessage id="m-start" message={startError} />
        </div>
      )}
      <SubmitButton disabled={!outcome} busy={pending !== null}>
        Enregistrer l’issue
      </SubmitButton>
    </form>
      {askLost && (
        <ConfirmDialog
          title="Marché perdu : clôturer la coopération ?"
          confirmLabel="Enregistrer le marché perdu et clôturer"
          tone="danger"
          busy={pending !== null}
          onConfirm={() => {
            setAskLost(false);
            void send();
          }}
          onCancel={() => {
            setAskLost(false);
            focusLater('m-outcome');
          }}
        >
          <p>
            Enregistrer le marché comme perdu clôt « {coop.name} » avec l’issue « {closeOutcomeLabelsFr.TENDER_LOST} » : plus aucune étape, aucun membre ni aucun livrable ne
            pourra changer.
          </p>
          <p>La coopération pourra ensuite être renouvelée pour un nouveau marché.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function WaiversSection({ coop }: { coop: Coop }) {
  if (coop.waivers.length === 0) return null;
  return (
    <Section title="Dérogations" id="derogations">
      <ul className="plain-list">
        {coop.waivers.map((w) => (
          <li key={`${w.stage}-${w.itemId}`}>
            <strong>{w.itemLabel}</strong> ({stageLabelsFr[w.stage as Stage] ?? w.stage}, {formatDate(w.waivedAt)}) : {w.justification}
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function IndicatorsSection({ coop, can, reload }: SectionProps) {
  return (
    <Section title="Indicateurs" id="indicateurs">
      {can.memberCommands && <IndicatorForms coop={coop} reload={reload} />}
      {coop.indicators.length === 0 && <p className="muted">Aucun indicateur défini pour l’instant.</p>}
      {coop.indicators.map((indicator) => {
        const points = indicator.measurements.filter((m) => m.numericValue !== null);
        const target = Number(indicator.target);
        const last = indicator.measurements.at(-1);
        // Numbers the French way (14,4), the unit agreed (1 site); a qualitative value as written.
        const shown = (m: { value: string; numericValue: number | null }) => formatMeasurement(m, indicator.unit);
        const objective = indicator.target ? formatIndicatorValue(indicator.target, indicator.unit) : null;
        return (
          <div key={indicator.indicatorId} className="indicator">
            <h3>
              {indicator.label} <span className="muted small">({indicator.code})</span>
            </h3>
            <p>
              Dernière mesure : {last ? `${shown(last)} (${formatDate(last.periodStart)})` : 'aucune'}
              {objective && ` — objectif : ${objective}`}
              {last?.numericValue != null && Number.isFinite(target) && target > 0 && ` (${formatNumber((last.numericValue / target) * 100)} % de l’objectif)`}
            </p>
            {points.length > 0 && (
              <EChart
                caption={`Évolution : ${indicator.label}`}
                label={`Graphique de l’indicateur ${indicator.label} : ${points.map((p) => `${formatDate(p.periodStart)} ${shown(p)}`).join(', ')}${objective ? `, objectif ${objective}` : ''}`}
                height={220}
                option={{
                  grid: { left: 48, right: 24, top: 24, bottom: 32 },
                  tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatWithUnit(Number(v), indicator.unit) },
                  xAxis: { type: 'category', data: points.map((p) => formatDate(p.periodStart)) },
                  // The objective's line stays in the chart when the values are all below it.
                  yAxis: { type: 'value', ...(Number.isFinite(target) && target > 0 ? { max: ({ max }: { max: number }) => Math.max(max, target) } : {}) },
                  series: [
                    {
                      type: 'line',
                      name: indicator.label,
                      data: points.map((p) => p.numericValue),
                      symbolSize: 8,
                      markLine: Number.isFinite(target) && target > 0 ? { symbol: 'none', data: [{ yAxis: target, name: 'Objectif' }], label: { formatter: 'Objectif', position: 'insideEndTop' }, lineStyle: { type: 'dashed' } } : undefined,
                    },
                  ],
                }}
                table={
                  <table className="table table--compact">
                    <thead>
                      <tr>
                        <th scope="col">Période</th>
                        <th scope="col">Valeur</th>
                      </tr>
                    </thead>
                    <tbody>
                      {indicator.measurements.map((m) => (
                        <tr key={m.periodStart}>
                          <td>
                            {formatDate(m.periodStart)}
                            {m.periodEnd ? ` – ${formatDate(m.periodEnd)}` : ''}
                          </td>
                          <td>{shown(m)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                }
              />
            )}
          </div>
        );
      })}
    </Section>
  );
}

const actorRoleFr = (role: string | null | undefined) => (role && role in roleLabelsFr ? roleLabelsFr[role as Role] : 'Utilisateur');

function HistorySection({ entries, loading, names }: { entries: HistoryEntry[]; loading: boolean; names: Map<string, string> }) {
  return (
    <Section title="Historique complet" id="historique">
      {loading && <Loading what="de l’historique" />}
      <ol className="timeline" data-testid="history" reversed>
        {[...entries].reverse().map((e) => (
          <li key={e.eventId} className="timeline__item">
            <p className="timeline__what">{e.label}</p>
            {e.details && e.details !== e.label && <p className="timeline__details">{e.details}</p>}
            <p className="timeline__when">
              Survenu le <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>, enregistré le <time dateTime={e.recordedAt}>{formatDateTime(e.recordedAt)}</time>
            </p>
            <p className="timeline__who">
              Par :{' '}
              {e.actor ? (
                <>
                  <strong className="timeline__org">{e.actor.organisation?.name ?? (e.actor.organisationId ? (names.get(e.actor.organisationId) ?? 'structure non communiquée') : 'Maillage')}</strong>
                  {` (${actorRoleFr(e.actor.role)})`}
                </>
              ) : (
                'système (reprise de données)'
              )}
            </p>
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** The field an API refusal names (extensions.field), '' if none. */
const apiField = (field: unknown): string => (typeof field === 'string' ? field : '');

/** Define a standard indicator with its target, and record measurements (members only). */
function IndicatorForms({ coop, reload }: { coop: Coop; reload: () => Promise<void> }) {
  const { run, pending } = useCommand();
  const [standard, setStandard] = useState('');
  const [target, setTarget] = useState('');
  const [indicatorId, setIndicatorId] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [value, setValue] = useState('');
  const [defineErrors, setDefineErrors] = useState<FieldError<IndicatorField>[]>([]);
  const [measureErrors, setMeasureErrors] = useState<FieldError<MeasureField>[]>([]);
  const defineError = (f: IndicatorField) => messageOf(defineErrors, f);
  const measureError = (f: MeasureField) => messageOf(measureErrors, f);
  const measured = coop.indicators.find((i) => i.indicatorId === indicatorId);

  const define = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const errors = indicatorErrors({ standard, target });
    setDefineErrors(errors);
    if (errors.length) return;
    const std = standard as (typeof STANDARD_INDICATORS)[number];
    // The objective is a number typed the French way (12,5): sent as the API reads it (12.5).
    const objective = target.trim() ? parseDecimal(target) : null;
    const criteria = new Set(coop.indicators.map((i) => i.criterionCode));
    const code = `C${criteria.size + 1}`;
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      code,
      label: standardIndicatorLabelsFr[std],
      indicators: [{ code: `${code}-I1`, label: standardIndicatorLabelsFr[std], nature: 'QUANTITATIVE', unit: STANDARD_INDICATOR_UNITS[std], standard: std, ...(objective !== null ? { target: String(objective) } : {}) }],
    };
    const outcome = await run('defineIndicator', input, 'Indicateur défini.');
    if (!outcome.ok && outcome.error?.code === 'BAD_USER_INPUT' && /target$/.test(apiField(outcome.error.extensions.field)))
      setDefineErrors([{ field: 'target', message: messageFor(outcome.error) }]);
    await settle(outcome, reload, () => (setStandard(''), setTarget('')));
  };
  const measure = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const quantitative = measured?.nature !== 'QUALITATIVE';
    const errors = withIncompleteDates(measurementErrors({ indicatorId, start, end, value, quantitative }), ['start', 'end'], (field) => `mes-${field}`);
    setMeasureErrors(errors);
    if (errors.length) {
      // The field's description carries its error: focusing it reads both.
      focusLater(`mes-${errors[0].field}`);
      return;
    }
    const sent = quantitative ? String(parseDecimal(value)) : value.trim();
    const input = { cooperationId: coop.id, expectedVersion: coop.version, indicatorId, period: { start, ...(end ? { end } : {}) }, value: sent };
    const outcome = await run('recordMeasurement', input, 'Mesure enregistrée.');
    if (!outcome.ok && outcome.error?.code === 'BAD_USER_INPUT') {
      const field = apiField(outcome.error.extensions.field);
      const mapped: MeasureField | null = field === 'value' ? 'value' : field === 'period.start' ? 'start' : field === 'period.end' ? 'end' : null;
      if (mapped) setMeasureErrors([{ field: mapped, message: messageFor(outcome.error) }]);
    }
    await settle(outcome, reload, () => (setValue(''), setStart(''), setEnd('')));
  };
  return (
    <details className="indicator-forms">
      <summary>Définir un indicateur ou enregistrer une mesure</summary>
      <form className="inline-form inline-form--row" onSubmit={(e) => void define(e)} aria-label="Définir un indicateur" noValidate data-testid="define-indicator-form">
        <div className="field">
          <label htmlFor="i-standard">Indicateur</label>
          <select
            id="i-standard"
            value={standard}
            onChange={(e) => setStandard(e.target.value)}
            {...fieldAria('i-standard', defineError('standard'))}
          >
            <option value="">Choisir</option>
            {STANDARD_INDICATORS.map((s) => (
              <option key={s} value={s}>
                {standardIndicatorLabelsFr[s]}
              </option>
            ))}
          </select>
          <FieldMessage id="i-standard" message={defineError('standard')} />
        </div>
        <div className="field">
          <label htmlFor="i-target">Objectif{standard ? ` (${STANDARD_INDICATOR_UNITS[standard as (typeof STANDARD_INDICATORS)[number]]})` : ''}</label>
          <input
            id="i-target"
            className="input--narrow"
            inputMode="decimal"
            autoComplete="off"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            {...fieldAria('i-target', defineError('target'))}
          />
          <FieldMessage id="i-target" message={defineError('target')} />
        </div>
        <SubmitButton busy={pending !== null}>Définir l’indicateur</SubmitButton>
      </form>
      {coop.indicators.length > 0 && (
        <form className="inline-form inline-form--row" onSubmit={(e) => void measure(e)} aria-label="Enregistrer une mesure" noValidate data-testid="measurement-form">
          <div className="field">
            <label htmlFor="mes-indicator">Indicateur mesuré</label>
            <select
              id="mes-indicator"
              value={indicatorId}
              onChange={(e) => setIndicatorId(e.target.value)}
              {...fieldAria('mes-indicator', measureError('indicator'))}
            >
              <option value="">Choisir</option>
              {coop.indicators.map((i) => (
                <option key={i.indicatorId} value={i.indicatorId}>
                  {i.label}
                </option>
              ))}
            </select>
            <FieldMessage id="mes-indicator" message={measureError('indicator')} />
          </div>
          <div className="field">
            <label htmlFor="mes-start">Début de période</label>
            <input
              id="mes-start"
              type="date"
              max={todayIso()}
              value={start}
              onChange={(e) => setStart(e.target.value)}
              {...fieldAria('mes-start', measureError('start'))}
            />
            <FieldMessage id="mes-start" message={measureError('start')} />
          </div>
          <div className="field">
            <label htmlFor="mes-end">Fin de période</label>
            <input
              id="mes-end"
              type="date"
              min={start || undefined}
              value={end}
              onChange={(e) => setEnd(e.target.value)}
              {...fieldAria('mes-end', measureError('end'))}
            />
            <FieldMessage id="mes-end" message={measureError('end')} />
          </div>
          <div className="field">
            <label htmlFor="mes-value">Valeur{measured?.unit ? ` (${measured.unit})` : ''}</label>
            <input
              id="mes-value"
              className="input--narrow"
              inputMode={measured?.nature === 'QUALITATIVE' ? 'text' : 'decimal'}
              autoComplete="off"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              {...fieldAria('mes-value', measureError('value'))}
            />
            <FieldMessage id="mes-value" message={measureError('value')} />
          </div>
          <SubmitButton busy={pending !== null}>Enregistrer la mesure</SubmitButton>
        </form>
      )}
    </details>
  );
}

/** The supports (accompagnements) received, for everyone who reads the cooperation; regional networks record them. */
function SupportSection({ coop, reload, editable }: { coop: Coop; reload: () => Promise<void>; editable: boolean }) {
  const { run, pending } = useCommand();
  const [kind, setKind] = useState('');
  const [start, setStart] = useState('');
  const [description, setDescription] = useState('');
  const [provider, setProvider] = useState<PickedOrganisation | null>(null);
  const [providerKey, setProviderKey] = useState(0);
  const [startError, setStartError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const problem = dateProblem('s-start', start, 'Indiquez depuis quand la coopération est accompagnée.');
    setStartError(problem);
    if (problem) {
      focusLater('s-start');
      return;
    }
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      kind,
      period: { start },
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(provider ? { providerOrganisationId: provider.id } : {}),
    };
    // Recorded: the form is emptied and its first field takes the focus for the next one.
    if (
      await settle(await run('recordSupport', input, 'Accompagnement enregistré.'), reload, () => {
        setKind('');
        setStart('');
        setDescription('');
        setProvider(null);
        setProviderKey((k) => k + 1);
      })
    )
      focusLater('s-kind');
  };
  return (
    <Section title="Accompagnement" id="accompagnement">
      {coop.supports.length === 0 ? (
        <p className="muted">Aucun accompagnement enregistré.</p>
      ) : (
        <ul className="plain-list" data-testid="supports">
          {coop.supports.map((support) => (
            <li key={support.supportId}>
              <strong>{support.kindLabel}</strong>
              {support.provider ? ` par ${support.provider.name}` : support.providerOrganisationId ? ' par une structure non communiquée' : ''}
              {support.periodEnd ? `, du ${formatDate(support.periodStart)} au ${formatDate(support.periodEnd)}` : `, depuis le ${formatDate(support.periodStart)}`}
              {support.description && <span className="muted"> — {support.description}</span>}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form className="form" onSubmit={(e) => void submit(e)} aria-label="Enregistrer un accompagnement" noValidate>
          <div className="field">
            <label htmlFor="s-kind">Type d’accompagnement</label>
            <select id="s-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">Choisir</option>
              {SUPPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {supportKindLabelsFr[k]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="s-start">Depuis le</label>
            <input id="s-start" type="date" max={todayIso()} value={start} onChange={(e) => setStart(e.target.value)} {...fieldAria('s-start', startError)} />
            <FieldMessage id="s-start" message={startError} />
          </div>
          <div className="field">
            <label htmlFor="s-description">Description (facultatif)</label>
            <textarea id="s-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <OrganisationCombobox
            key={providerKey}
            id="s-provider"
            label="Structure qui accompagne (facultatif)"
            hint="Tapez au moins deux lettres de son nom, ou son SIRET."
            value={provider}
            onChange={setProvider}
          />
          <SubmitButton disabled={!kind} busy={pending !== null}>
            Enregistrer l’accompagnement
          </SubmitButton>
        </form>
      )}
    </Section>
  );
}
