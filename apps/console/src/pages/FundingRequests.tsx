import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CooperationView, FundingRequestView } from '../api';
import { settle, useCommand } from '../command';
import { ErrorSummary } from '../components/ErrorSummary';
import { FieldMessage, fieldAria, messageOf, type FieldError } from '../components/FieldMessage';
import { OrganisationCombobox, type PickedOrganisation } from '../components/OrganisationCombobox';
import { Badge, SendOrCancel, SubmitButton, focusLater, useFocusOnOpen } from '../components/ui';
import { FORBIDDEN_FUNDING } from '../errors';
import { formatDate, formatEuros, parseEuros, quoted } from '../format';
import { MAX_TEXT, SOLICITABLE_KINDS, markSolicitationAnswered, requestErrors, requestStatusTone, tooLong, type RequestField } from '../funding';
import { useRouter } from '../router';

type Coop = CooperationView;
type Reload = () => Promise<void>;


/** Where the focus goes once a request's form has closed: its line (its buttons may be gone). */
const requestLineId = (request: FundingRequestView) => `sollicitation-${request.requestId}`;
/** The funder's « Accorder » button of a request (the grant form gives the focus back to it). */
export const grantRequestButtonId = (request: FundingRequestView) => `accorder-${request.requestId}`;

/**
 * The funders the cooperation solicited and what became of each request. Members (`canWithdraw`)
 * withdraw an open request; the funder solicited (`funderId`) grants it, through the grant form
 * (`onGrant`, prefilled), or declines it. The API enforces the same rules.
 */
export function FundingRequests({
  coop,
  funderId,
  canWithdraw,
  answering,
  grantOpen = false,
  onGrant,
  onCloseGrant,
  reload,
}: {
  coop: Coop;
  funderId: string | null;
  canWithdraw: boolean;
  /** The request the grant form is open for, if any. */
  answering: string | null;
  /** Whether the grant form is open (for a request or not): a decline form then closes. */
  grantOpen?: boolean;
  onGrant: (request: FundingRequestView) => void;
  /** Closes the grant form: a decline or withdraw form is opening. */
  onCloseGrant?: () => void;
  reload: Reload;
}) {
  const [open, setOpen] = useState<{ requestId: string; action: 'withdraw' | 'decline' } | null>(null);
  // One form at a time: the grant form opening closes a decline (or withdraw) form, and the other way round.
  useEffect(() => {
    if (grantOpen) setOpen(null);
  }, [grantOpen, answering]);
  const requests = coop.fundingRequests;
  if (requests.length === 0 && !canWithdraw) return null;
  return (
    <div className="funding-requests">
      <h3 id="financeurs-sollicites-titre">Financeurs sollicités</h3>
      {requests.length === 0 ? (
        <p className="muted" data-testid="funding-requests-empty">
          Aucun financeur sollicité pour l’instant.
        </p>
      ) : (
        <ul className="plain-list" data-testid="funding-requests" aria-labelledby="financeurs-sollicites-titre">
          {requests.map((r) => (
            <RequestLine
              key={r.requestId}
              coop={coop}
              request={r}
              canWithdraw={canWithdraw && r.status === 'OPEN'}
              canAnswer={funderId !== null && r.funderOrganisationId === funderId && r.status === 'OPEN'}
              granting={answering === r.requestId}
              onGrant={() => onGrant(r)}
              open={open?.requestId === r.requestId ? open.action : null}
              setOpen={(action) => {
                if (action) onCloseGrant?.();
                setOpen(action ? { requestId: r.requestId, action } : null);
              }}
              reload={reload}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function RequestLine({
  coop,
  request: r,
  canWithdraw,
  canAnswer,
  granting,
  onGrant,
  open,
  setOpen,
  reload,
}: {
  coop: Coop;
  request: FundingRequestView;
  canWithdraw: boolean;
  canAnswer: boolean;
  granting: boolean;
  onGrant: () => void;
  open: 'withdraw' | 'decline' | null;
  setOpen: (action: 'withdraw' | 'decline' | null) => void;
  reload: Reload;
}) {
  const name = r.funder?.name ?? 'Financeur';
  const toggles = useRef<Record<string, HTMLButtonElement | null>>({});
  const formId = (action: 'withdraw' | 'decline') => `${action}-${r.requestId}`;
  /** Back to the button that opened the form, or to the line once the request is closed. */
  const close = (done: boolean, action: 'withdraw' | 'decline') => {
    setOpen(null);
    if (done) focusLater(requestLineId(r), 'financements');
    else setTimeout(() => toggles.current[action]?.focus(), 0);
  };
  const toggle = (action: 'withdraw' | 'decline', label: string) => (
    <button
      type="button"
      className="button button--small"
      aria-expanded={open === action}
      aria-controls={open === action ? formId(action) : undefined}
      ref={(el) => {
        toggles.current[action] = el;
      }}
      onClick={() => setOpen(open === action ? null : action)}
    >
      {label}
      <span className="visually-hidden"> adressée à {name}</span>
    </button>
  );
  const details = [r.programme ? `programme ${quoted(r.programme)}` : null, r.amount !== null ? `${formatEuros(r.amount)} sollicités` : null].filter(Boolean).join(', ');
  return (
    <li className="funding-request" data-request-id={r.requestId} data-status={r.status}>
      <span className="funding__text" id={requestLineId(r)}>
        <strong>{name}</strong> <Badge tone={requestStatusTone(r.status)}>{r.statusLabel}</Badge>
        <span className="funding-request__when">
          {' '}
          — sollicitation du {formatDate(r.requestedAt)}
          {details ? ` : ${details}` : ''}.
        </span>
        {r.note && <span className="funding-request__note"> Message : {quoted(r.note)}</span>}
        {r.status !== 'OPEN' && (
          <span className="funding-request__outcome">
            {' '}
            {r.statusLabel}
            {r.closedAt ? ` le ${formatDate(r.closedAt)}` : ''}
            {r.reason ? ` : ${sentence(r.reason)}` : '.'}
          </span>
        )}
      </span>
      {(canWithdraw || canAnswer) && (
        <div className="funding__actions">
          <div className="funding__buttons">
            {canAnswer && (
              <button type="button" id={grantRequestButtonId(r)} className="button button--small button--primary" aria-expanded={granting} aria-controls={granting ? 'grant-form' : undefined} onClick={onGrant}>
                Accorder<span className="visually-hidden"> un financement en réponse à la sollicitation</span>
              </button>
            )}
            {canAnswer && toggle('decline', 'Décliner la sollicitation')}
            {canWithdraw && toggle('withdraw', 'Retirer la demande')}
          </div>
          {open === 'decline' && canAnswer && (
            <CloseRequestForm id={formId('decline')} command="declineFundingRequest" coop={coop} request={r} name={name} reload={reload} onDone={(done) => close(done, 'decline')} />
          )}
          {open === 'withdraw' && canWithdraw && (
            <CloseRequestForm id={formId('withdraw')} command="withdrawFundingRequest" coop={coop} request={r} name={name} reload={reload} onDone={(done) => close(done, 'withdraw')} />
          )}
        </div>
      )}
    </li>
  );
}

/** A free text as the end of a sentence: its own final punctuation, or a full stop. */
const sentence = (text: string) => (/[.!?…»)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const CLOSING = {
  withdrawFundingRequest: {
    label: (name: string) => `Retrait de la demande adressée à ${name}`,
    hint: 'Le financeur ne verra plus cette demande. Vous pourrez le solliciter à nouveau plus tard.',
    submit: 'Confirmer le retrait de la demande',
    success: (name: string) => `Demande adressée à ${name} retirée.`,
    testId: 'withdraw-request-form',
  },
  declineFundingRequest: {
    label: () => 'Décliner la sollicitation',
    hint: 'La coopération verra votre réponse et la raison indiquée.',
    submit: 'Confirmer : décliner la sollicitation',
    success: () => 'Sollicitation déclinée.',
    testId: 'decline-request-form',
  },
} as const;

/** Withdraw (a member) or decline (the funder) an open request, with an optional reason. */
function CloseRequestForm({
  id,
  command,
  coop,
  request,
  name,
  reload,
  onDone,
}: {
  id: string;
  command: keyof typeof CLOSING;
  coop: Coop;
  request: FundingRequestView;
  name: string;
  reload: Reload;
  onDone: (done: boolean) => void;
}) {
  const text = CLOSING[command];
  const { run, pending } = useCommand(command === 'declineFundingRequest' ? { forbidden: FORBIDDEN_FUNDING } : {});
  const { navigate } = useRouter();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const first = useFocusOnOpen<HTMLTextAreaElement>();
  // A funder that neither funds the cooperation nor has another open request from it may no
  // longer read it once it declines: it goes back to its portfolio instead of a page it cannot reload.
  const funder = request.funderOrganisationId;
  const losesAccess =
    command === 'declineFundingRequest' &&
    !coop.fundings.some((f) => f.funderOrganisationId === funder) &&
    !coop.fundingRequests.some((r) => r.requestId !== request.requestId && r.funderOrganisationId === funder && r.status === 'OPEN');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    // Too long for the API: said at the field, which takes the focus; nothing sent.
    const tooLongReason = tooLong(reason, MAX_TEXT, 'La raison');
    setProblem(tooLongReason);
    if (tooLongReason) {
      first.current?.focus();
      return;
    }
    const input = { cooperationId: coop.id, expectedVersion: coop.version, requestId: request.requestId, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    if (losesAccess) {
      const outcome = await run(command, input, `Sollicitation de ${quoted(coop.name)} déclinée : la coopération ne figure plus parmi vos sollicitations en attente.`);
      if (outcome.ok) {
        markSolicitationAnswered(coop.id);
        navigate('/financeur');
      }
      else await settle(outcome, reload);
      return;
    }
    const outcome = await run(command, input, text.success(name));
    if (await settle(outcome, reload, () => setReason(''))) onDone(true);
  };
  return (
    <form id={id} className="inline-form" onSubmit={(e) => void submit(e)} aria-label={text.label(name)} noValidate data-testid={text.testId}>
      <p className="hint" id={`${id}-aide`}>
        {text.hint}
        {losesAccess ? ' Votre organisation ne la finançant pas, vous n’aurez ensuite plus accès à cette coopération.' : ''}
      </p>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Raison (facultatif)</label>
        <textarea id={`${id}-reason`} ref={first} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} {...fieldAria(`${id}-reason`, problem ?? undefined, `${id}-aide`)} />
        <FieldMessage id={`${id}-reason`} message={problem ?? undefined} />
      </div>
      <div className="funding__buttons">
        <SubmitButton className="button button--small button--danger" busy={pending !== null}>
          {text.submit}
        </SubmitButton>
        <button type="button" className="button button--small" onClick={() => onDone(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}

/**
 * A member solicits a funder (« Solliciter un financeur »): a funder or a local authority chosen in
 * the directory, and optionally a programme, an amount and a message. The funder may then read the
 * cooperation, and grant or decline.
 */
export function RequestFundingForm({ coop, reload }: { coop: Coop; reload: Reload }) {
  const { run, pending } = useCommand();
  const [open, setOpen] = useState(false);
  const empty = { programme: '', amount: '', note: '' };
  const [draft, setDraft] = useState(empty);
  const [funder, setFunder] = useState<PickedOrganisation | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  const [errors, setErrors] = useState<FieldError<RequestField>[]>([]);
  const toggle = useRef<HTMLButtonElement>(null);
  const pendingFunders = coop.fundingRequests.filter((r) => r.status === 'OPEN').map((r) => r.funderOrganisationId);
  const close = () => {
    setOpen(false);
    setErrors([]);
    setTimeout(() => toggle.current?.focus(), 0);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    // Checked here, each mistake said at its field (the button is never silently disabled).
    const found = requestErrors({ funderId: funder?.id ?? null, ...draft }, pendingFunders);
    setErrors(found);
    if (found.length || !funder) return;
    const requestId = crypto.randomUUID();
    const programme = draft.programme.trim();
    const note = draft.note.trim();
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      idempotencyKey: `request-${requestId}`,
      requestId,
      funderOrganisationId: funder.id,
      ...(programme ? { programme } : {}),
      ...(draft.amount.trim() ? { amount: parseEuros(draft.amount) } : {}),
      ...(note ? { note } : {}),
    };
    const outcome = await run('requestFunding', input, `Sollicitation envoyée à ${funder.name}.`);
    const sent = await settle(outcome, reload, () => {
      setDraft(empty);
      setFunder(null);
      setPickerKey((k) => k + 1);
    });
    if (sent) close();
  };
  const set = (key: 'programme' | 'amount' | 'note') => (text: string) => setDraft((d) => ({ ...d, [key]: text }));
  const aria = (field: RequestField, ...hintIds: string[]) => fieldAria(`request-${field}`, messageOf(errors, field), ...hintIds);
  return (
    <div className="funding__grant">
      <button type="button" ref={toggle} className="button" aria-expanded={open} aria-controls={open ? 'request-form' : undefined} onClick={() => (open ? close() : (setOpen(true), focusLater('request-funderId')))}>
        Solliciter un financeur
      </button>
      {open && (
        <form id="request-form" className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Solliciter un financeur" noValidate data-testid="request-form">
          <ErrorSummary errors={errors} testId="request-errors" />
          <OrganisationCombobox
            key={pickerKey}
            id="request-funderId"
            label="Financeur sollicité"
            hint="Un financeur ou une collectivité : tapez au moins deux lettres de son nom, ou son SIRET, puis choisissez-le dans la liste."
            value={funder}
            onChange={setFunder}
            kinds={SOLICITABLE_KINDS}
            required
            error={messageOf(errors, 'funderId')}
          />
          <div className="field">
            <label htmlFor="request-programme">Programme ou dispositif (facultatif)</label>
            <input id="request-programme" autoComplete="off" value={draft.programme} onChange={(e) => set('programme')(e.target.value)} {...aria('programme')} />
            <FieldMessage id="request-programme" message={messageOf(errors, 'programme')} />
          </div>
          <div className="field">
            <label htmlFor="request-amount">Montant sollicité (€, facultatif)</label>
            <input
              id="request-amount"
              inputMode="decimal"
              autoComplete="off"
              value={draft.amount}
              onChange={(e) => set('amount')(e.target.value)}
              {...aria('amount', 'request-amount-aide')}
            />
            <p id="request-amount-aide" className="hint">
              En euros, par exemple 45 000 ou 12 500,50.
            </p>
            <FieldMessage id="request-amount" message={messageOf(errors, 'amount')} />
          </div>
          <div className="field">
            <label htmlFor="request-note">Message au financeur (facultatif)</label>
            <textarea id="request-note" rows={3} value={draft.note} onChange={(e) => set('note')(e.target.value)} {...aria('note')} />
            <FieldMessage id="request-note" message={messageOf(errors, 'note')} />
          </div>
          <SendOrCancel className="funding__buttons" busy={pending !== null} onCancel={close}>
            Envoyer la sollicitation
          </SendOrCancel>
        </form>
      )}
    </div>
  );
}
