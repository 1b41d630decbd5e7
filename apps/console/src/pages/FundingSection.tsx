import { useRef, useState, type FormEvent } from 'react';
import type { CooperationView, FundingRequestView } from '../api';
import { settle, useCommand } from '../command';
import { ErrorSummary } from '../components/ErrorSummary';
import { SendOrCancel, Section, SubmitButton, focusLater, useFocusOnOpen } from '../components/ui';
import { dateProblem, withIncompleteDates } from '../dates';
import { FORBIDDEN_FUNDING } from '../errors';
import { formatDate, formatEuros, parseEuros, quoted, todayIso } from '../format';
import { amountError, grantDraftFrom, grantErrors, openRequestsTo, type GrantDraft, type GrantField } from '../funding';
import { FieldMessage, fieldAria, messageOf, type FieldError } from '../components/FieldMessage';
import { FundingRequests, RequestFundingForm, grantRequestButtonId } from './FundingRequests';

type Coop = CooperationView;
type Funding = Coop['fundings'][number];
type Reload = () => Promise<void>;

/** The grant form, open for a new grant (`request: null`) or in answer to a request, prefilled from it. */
interface GrantTarget {
  request: FundingRequestView | null;
  draft: GrantDraft;
}

/**
 * The fundings of a cooperation, and the funders it solicited. Members (`canRequest`, when they may
 * act) solicit a funder and withdraw their open requests. A funder (`funderId`, when it may act)
 * grants a new funding in its own name (in answer to a request addressed to it, or where it already
 * funds), declines a request addressed to it, and records disbursements on, or the end of, its own
 * open grants: the only edit controls a funder ever sees. The API enforces the same rules.
 */
export function FundingSection({ coop, funderId, canRequest, reload }: { coop: Coop; funderId: string | null; canRequest: boolean; reload: Reload }) {
  const granted = coop.fundings.reduce((s, f) => s + f.amount, 0);
  const disbursed = coop.fundings.reduce((s, f) => s + f.disbursed, 0);
  const [open, setOpen] = useState<{ fundingId: string; action: 'disburse' | 'end' } | null>(null);
  const [grant, setGrant] = useState<GrantTarget | null>(null);
  return (
    <Section title="Financements" id="financements">
      {coop.fundings.length === 0 ? (
        <p className="muted">Aucun financement enregistré.</p>
      ) : (
        <>
          <p data-testid="funding-totals">
            {formatEuros(granted)} accordés, {formatEuros(disbursed)} versés.
          </p>
          <ul className="plain-list" data-testid="funding-lines">
            {coop.fundings.map((f) => {
              const own = funderId !== null && f.funderOrganisationId === funderId && !f.endedOn;
              return (
                <li key={f.fundingId} className="funding" data-funding-id={f.fundingId}>
                  <span className="funding__text">
                    <strong>{f.programme}</strong>
                    <span className="funding__funder"> — {f.funder ? `${f.funder.name} (${f.funder.kindLabel})` : 'financeur non communiqué'}</span> : {formatEuros(f.amount)} (versé :{' '}
                    {formatEuros(f.disbursed)}) — du {formatDate(f.periodStart)}
                    {f.periodEnd ? ` au ${formatDate(f.periodEnd)}` : ''}
                    {f.endedOn ? `, terminé le ${formatDate(f.endedOn)}` : ''}
                  </span>
                  {own && (
                    <FundingActions
                      coop={coop}
                      funding={f}
                      open={open?.fundingId === f.fundingId ? open.action : null}
                      setOpen={(action) => setOpen(action ? { fundingId: f.fundingId, action } : null)}
                      reload={reload}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <FundingRequests
        coop={coop}
        funderId={funderId}
        canWithdraw={canRequest}
        answering={grant?.request?.requestId ?? null}
        grantOpen={grant !== null}
        onGrant={(request) => setGrant({ request, draft: grantDraftFrom(request) })}
        onCloseGrant={() => setGrant(null)}
        reload={reload}
      />
      {canRequest && <RequestFundingForm coop={coop} reload={reload} />}
      {funderId !== null && <GrantForm coop={coop} funderId={funderId} target={grant} setTarget={setGrant} reload={reload} />}
    </Section>
  );
}

function FundingActions({
  coop,
  funding,
  open,
  setOpen,
  reload,
}: {
  coop: Coop;
  funding: Funding;
  open: 'disburse' | 'end' | null;
  setOpen: (action: 'disburse' | 'end' | null) => void;
  reload: Reload;
}) {
  const ids = { disburse: `disburse-${funding.fundingId}`, end: `end-${funding.fundingId}` };
  const toggles = useRef<Record<string, HTMLButtonElement | null>>({});
  const close = (action: 'disburse' | 'end') => {
    setOpen(null);
    // Back to the button that opened the form (or to the section once the funding has ended).
    setTimeout(() => {
      const heading = document.getElementById('financements-titre');
      heading?.setAttribute('tabindex', '-1');
      (toggles.current[action] ?? heading)?.focus();
    }, 0);
  };
  return (
    <div className="funding__actions">
      <div className="funding__buttons">
        {(
          [
            ['disburse', 'Enregistrer un versement', ` pour ${quoted(funding.programme)}`],
            ['end', 'Mettre fin au financement', ` ${quoted(funding.programme)}`],
          ] as const
        ).map(([action, label, context]) => (
          <button
            key={action}
            type="button"
            className="button button--small"
            aria-expanded={open === action}
            aria-controls={open === action ? ids[action] : undefined}
            ref={(el) => {
              toggles.current[action] = el;
            }}
            onClick={() => setOpen(open === action ? null : action)}
          >
            {label}
            <span className="visually-hidden">{context}</span>
          </button>
        ))}
      </div>
      {open === 'disburse' && <DisbursementForm id={ids.disburse} coop={coop} funding={funding} reload={reload} onDone={() => close('disburse')} />}
      {open === 'end' && <EndFundingForm id={ids.end} coop={coop} funding={funding} reload={reload} onDone={() => close('end')} />}
    </div>
  );
}

function DisbursementForm({ id, coop, funding, reload, onDone }: { id: string; coop: Coop; funding: Funding; reload: Reload; onDone: () => void }) {
  const { run, pending } = useCommand({ forbidden: FORBIDDEN_FUNDING });
  const [amount, setAmount] = useState('');
  const [on, setOn] = useState(todayIso());
  const [error, setError] = useState<string | null>(null);
  const [onError, setOnError] = useState<string | null>(null);
  const first = useFocusOnOpen<HTMLInputElement>();
  const value = parseEuros(amount);
  const remaining = funding.amount - funding.disbursed;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    // Each message at its field; the focus on the first field in error.
    const problem = amountError(amount, 'montant versé');
    const dateError = dateProblem(`${id}-on`, on, 'Indiquez la date du versement.');
    setError(problem);
    setOnError(dateError);
    if (problem) {
      first.current?.focus();
      return;
    }
    if (dateError) {
      focusLater(`${id}-on`);
      return;
    }
    const input = { cooperationId: coop.id, expectedVersion: coop.version, fundingId: funding.fundingId, amount: value, disbursedOn: on };
    const outcome = await run('recordDisbursement', input, `Versement de ${formatEuros(value)} enregistré pour ${quoted(funding.programme)}.`);
    if (await settle(outcome, reload, () => setAmount(''))) onDone();
  };
  return (
    <form id={id} className="inline-form" onSubmit={(e) => void submit(e)} aria-label={`Versement pour ${quoted(funding.programme)}`} noValidate data-testid="disbursement-form">
      <p className="hint" id={`${id}-reste`}>
        Reste à verser : {formatEuros(remaining)}.
      </p>
      <div className="field">
        <label htmlFor={`${id}-amount`}>Montant versé (€)</label>
        <input
          id={`${id}-amount`}
          ref={first}
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          {...fieldAria(`${id}-amount`, error, `${id}-reste`)}
        />
        <FieldMessage id={`${id}-amount`} message={error} testId="disbursement-amount-erreur" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-on`}>Date du versement</label>
        <input id={`${id}-on`} type="date" max={todayIso()} value={on} onChange={(e) => setOn(e.target.value)} {...fieldAria(`${id}-on`, onError)} />
        <FieldMessage id={`${id}-on`} message={onError} testId="disbursement-on-erreur" />
      </div>
      <div className="funding__buttons">
        <SubmitButton className="button button--small button--primary" busy={pending !== null}>
          Enregistrer le versement
        </SubmitButton>
        <button type="button" className="button button--small" onClick={onDone}>
          Annuler
        </button>
      </div>
    </form>
  );
}

function EndFundingForm({ id, coop, funding, reload, onDone }: { id: string; coop: Coop; funding: Funding; reload: Reload; onDone: () => void }) {
  const { run, pending } = useCommand({ forbidden: FORBIDDEN_FUNDING });
  const [on, setOn] = useState(todayIso());
  const [reason, setReason] = useState('');
  const [onError, setOnError] = useState<string | null>(null);
  const first = useFocusOnOpen<HTMLInputElement>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const problem = dateProblem(`${id}-on`, on, 'Indiquez la date de fin du financement.');
    setOnError(problem);
    if (problem) {
      first.current?.focus();
      return;
    }
    const input = { cooperationId: coop.id, expectedVersion: coop.version, fundingId: funding.fundingId, endedOn: on, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const outcome = await run('endFunding', input, `Financement ${quoted(funding.programme)} terminé.`);
    if (await settle(outcome, reload, () => setReason(''))) onDone();
  };
  return (
    <form id={id} className="inline-form" onSubmit={(e) => void submit(e)} aria-label={`Fin du financement ${quoted(funding.programme)}`} noValidate data-testid="end-funding-form">
      <p className="hint" id={`${id}-aide`}>
        Plus aucun versement ne pourra être enregistré sur ce financement.
      </p>
      <div className="field">
        <label htmlFor={`${id}-on`}>Date de fin</label>
        <input id={`${id}-on`} ref={first} type="date" max={todayIso()} value={on} onChange={(e) => setOn(e.target.value)} {...fieldAria(`${id}-on`, onError, `${id}-aide`)} />
        <FieldMessage id={`${id}-on`} message={onError} testId="end-funding-on-erreur" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Raison (facultatif)</label>
        <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="funding__buttons">
        <SubmitButton className="button button--small button--danger" busy={pending !== null}>
          Confirmer la fin du financement
        </SubmitButton>
        <button type="button" className="button button--small" onClick={onDone}>
          Annuler
        </button>
      </div>
    </form>
  );
}

/**
 * A new grant, always in the funder's own name (the API refuses any other funder). Opened from
 * « Accorder » on a request addressed to the funder, it is prefilled from the request and answers
 * it (`requestId`); opened with « Accorder un financement », the API makes it answer the funder's
 * oldest open request, if any (said in the form).
 */
function GrantForm({
  coop,
  funderId,
  target,
  setTarget,
  reload,
}: {
  coop: Coop;
  funderId: string;
  target: GrantTarget | null;
  setTarget: (update: (t: GrantTarget | null) => GrantTarget | null) => void;
  reload: Reload;
}) {
  const { run, pending } = useCommand({ forbidden: FORBIDDEN_FUNDING });
  const empty: GrantDraft = { programme: '', amount: '', start: '', end: '' };
  // What was typed in the form for a new grant stays when it is closed and opened again.
  const kept = useRef<GrantDraft>(empty);
  const [errors, setErrors] = useState<FieldError<GrantField>[]>([]);
  const toggle = useRef<HTMLButtonElement>(null);
  const request = target?.request ?? null;
  const openNew = target !== null && request === null;
  const oldestOpen = openRequestsTo(coop.fundingRequests, funderId)[0] ?? null;
  const setG = (update: (g: GrantDraft) => GrantDraft) =>
    setTarget((t) => {
      if (!t) return t;
      const draft = update(t.draft);
      if (!t.request) kept.current = draft;
      return { ...t, draft };
    });
  /** Back to the button that opened the form: the request's « Accorder » while it is still open, else « Accorder un financement ». */
  const close = (answered: FundingRequestView | null, granted: boolean) => {
    setTarget(() => null);
    setErrors([]);
    setTimeout(() => {
      const back = answered && !granted ? document.getElementById(grantRequestButtonId(answered)) : null;
      (back ?? toggle.current)?.focus();
    }, 0);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || !target) return;
    const g = target.draft;
    // Checked here, each mistake said at its field (the button is never silently disabled).
    const found = withIncompleteDates(grantErrors(g), ['start', 'end'], (field) => `grant-${field}`);
    setErrors(found);
    if (found.length) return;
    const value = parseEuros(g.amount);
    const fundingId = crypto.randomUUID();
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      idempotencyKey: `grant-${fundingId}`,
      fundingId,
      funderOrganisationId: funderId,
      programme: g.programme.trim(),
      amount: value,
      period: { start: g.start, ...(g.end ? { end: g.end } : {}) },
      ...(request ? { requestId: request.requestId } : {}),
    };
    const success = `Financement ${quoted(g.programme.trim())} de ${formatEuros(value)} accordé${request ? ' en réponse à la sollicitation' : ''}.`;
    const outcome = await run('grantFunding', input, success);
    const done = await settle(outcome, reload, () => {
      if (!request) kept.current = empty;
    });
    if (done) close(request, true);
  };
  return (
    <div className="funding__grant">
      <button
        type="button"
        ref={toggle}
        className="button"
        aria-expanded={openNew}
        aria-controls={openNew ? 'grant-form' : undefined}
        onClick={() => (openNew ? close(null, false) : (setErrors([]), setTarget(() => ({ request: null, draft: kept.current }))))}
      >
        Accorder un financement
      </button>
      {target && (
        <GrantFields
          key={request?.requestId ?? 'nouveau'}
          g={target.draft}
          setG={setG}
          errors={errors}
          busy={pending !== null}
          answering={request ? `En réponse à la sollicitation du ${formatDate(request.requestedAt)}.` : oldestOpen ? `Ce financement répondra à la sollicitation en attente du ${formatDate(oldestOpen.requestedAt)}.` : null}
          onSubmit={(e) => void submit(e)}
          onCancel={() => close(request, false)}
        />
      )}
    </div>
  );
}

function GrantFields({
  g,
  setG,
  errors,
  busy,
  answering,
  onSubmit,
  onCancel,
}: {
  g: GrantDraft;
  setG: (update: (g: GrantDraft) => GrantDraft) => void;
  errors: FieldError<GrantField>[];
  busy: boolean;
  /** Which request the grant answers, said at the top of the form. */
  answering: string | null;
  onSubmit: (event: FormEvent) => void;
  onCancel: () => void;
}) {
  const first = useFocusOnOpen<HTMLInputElement>();
  const set = (key: GrantField) => (text: string) => setG((x) => ({ ...x, [key]: text }));
  /** The field's ARIA attributes: its hints and error as its description. */
  const aria = (field: GrantField, ...hintIds: string[]) => fieldAria(`grant-${field}`, messageOf(errors, field), ...hintIds);
  const fieldError = (field: GrantField) => <FieldMessage id={`grant-${field}`} message={messageOf(errors, field)} />;
  return (
    <form id="grant-form" className="inline-form" onSubmit={onSubmit} aria-label="Accorder un financement" noValidate data-testid="grant-form">
      {answering && (
        <p className="hint" data-testid="grant-answering">
          {answering}
        </p>
      )}
      <ErrorSummary errors={errors} testId="grant-errors" />
      <div className="field">
        <label htmlFor="grant-programme">Programme ou dispositif</label>
        <input
          id="grant-programme"
          ref={first}
          autoComplete="off"
          value={g.programme}
          onChange={(e) => set('programme')(e.target.value)}
          {...aria('programme')}
        />
        {fieldError('programme')}
      </div>
      <div className="field">
        <label htmlFor="grant-amount">Montant accordé (€)</label>
        <input
          id="grant-amount"
          inputMode="decimal"
          autoComplete="off"
          value={g.amount}
          onChange={(e) => set('amount')(e.target.value)}
          {...aria('amount', 'grant-amount-aide')}
        />
        <p id="grant-amount-aide" className="hint">
          En euros, par exemple 45 000 ou 12 500,50.
        </p>
        {fieldError('amount')}
      </div>
      <div className="field">
        <label htmlFor="grant-start">Début de la période</label>
        <input id="grant-start" type="date" value={g.start} onChange={(e) => set('start')(e.target.value)} {...aria('start')} />
        {fieldError('start')}
      </div>
      <div className="field">
        <label htmlFor="grant-end">Fin de la période (facultatif)</label>
        <input
          id="grant-end"
          type="date"
          min={g.start || undefined}
          value={g.end}
          onChange={(e) => set('end')(e.target.value)}
          {...aria('end')}
        />
        {fieldError('end')}
      </div>
      <SendOrCancel className="funding__buttons" busy={busy} onCancel={onCancel}>
        Accorder le financement
      </SendOrCancel>
    </form>
  );
}
