import { useEffect, useRef, useState, type FormEvent } from 'react';
import { commandDocument, type CooperationView } from '../api';
import { useAnnouncer } from '../announcer';
import { settle, useMutationRunner } from '../command';
import { ErrorSummary } from '../components/ErrorSummary';
import { FieldMessage, fieldAria, messageOf, type FieldError } from '../components/FieldMessage';
import { SendOrCancel, focusLater, useFocusOnOpen } from '../components/ui';
import { messageFor } from '../errors';
import { formatNumber } from '../format';

type Coop = CooperationView;
type Field = 'organisationId' | 'reason';

/** The API's limit on the reason. */
const MAX_REASON = 2000;
const HANDOVER = commandDocument('handOverLead');

/** The id of a member's row heading in the members table (the focus goes to the new lead's). */
export const memberRowId = (organisationId: string) => `membre-${organisationId}`;

/**
 * « Transmettre le pilotage » (the lead organisation's users only): another member takes the lead;
 * the lead stays a member (and may then be removed like any other). The API refuses anyone else
 * (FORBIDDEN) and a structure that is not another member.
 */
export function HandOverLeadSection({ coop, names, reload }: { coop: Coop; names: Map<string, string>; reload: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const others = coop.members.filter((m) => m.organisationId !== coop.leadOrganisationId);
  const close = () => {
    setOpen(false);
    setTimeout(() => toggle.current?.focus(), 0);
  };
  if (others.length === 0)
    return (
      <div className="handover" data-testid="handover">
        <button type="button" id="handover-open" className="button" aria-disabled="true" aria-describedby="handover-open-reason">
          Transmettre le pilotage
        </button>
        <p id="handover-open-reason" className="guarded__reason">
          Le pilotage se transmet à une autre structure membre : ajoutez-la d’abord aux membres.
        </p>
      </div>
    );
  return (
    <div className="handover" data-testid="handover">
      <button
        type="button"
        id="handover-open"
        ref={toggle}
        className="button"
        aria-expanded={open}
        aria-controls={open ? 'handover-form' : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        Transmettre le pilotage
      </button>
      {open && <HandOverLeadForm coop={coop} names={names} reload={reload} onCancel={close} />}
    </div>
  );
}

function HandOverLeadForm({ coop, names, reload, onCancel }: { coop: Coop; names: Map<string, string>; reload: () => Promise<void>; onCancel: () => void }) {
  // The form shows the API's refusal itself, in its error summary (no second reading by the live region).
  const { send, pending } = useMutationRunner({}, { announceErrors: false });
  const { announce } = useAnnouncer();
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError<Field | 'api'>[]>([]);
  const first = useFocusOnOpen<HTMLSelectElement>();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const leadName = names.get(coop.leadOrganisationId) ?? 'Votre structure';
  const candidates = coop.members.filter((m) => m.organisationId !== coop.leadOrganisationId);
  // A member removed meanwhile (the page reloaded) is no longer a choice.
  const chosen = candidates.some((m) => m.organisationId === target) ? target : '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const found: FieldError<Field>[] = [];
    if (!chosen) found.push({ field: 'organisationId', message: 'Choisissez la structure membre qui prend le pilotage.' });
    if (reason.trim().length > MAX_REASON)
      found.push({ field: 'reason', message: `La raison compte au plus ${formatNumber(MAX_REASON)} caractères (${formatNumber(reason.trim().length)} pour l’instant).` });
    setErrors(found);
    if (found.length) return;
    const name = names.get(chosen) ?? 'La structure choisie';
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      idempotencyKey: `handover-${coop.id}-${coop.version}-${chosen}`,
      organisationId: chosen,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    const outcome = await send('handOverLead', HANDOVER, { input }, `${name} pilote désormais la coopération. ${leadName} en reste membre.`);
    if (outcome.ok) {
      await settle({ ok: true }, reload);
      // The form is gone with the lead: the focus goes to the new lead's row in the members table.
      focusLater(memberRowId(chosen), 'membres');
      return;
    }
    const error = outcome.error;
    if (!error || error.code === 'UNAUTHENTICATED') return;
    const message = messageFor(error, {
      forbidden: 'Votre rôle ne permet pas cette action : seule la structure porteuse transmet le pilotage de la coopération.',
    });
    setErrors([{ field: 'api', message }]);
    // The page reloads on a conflict or a refusal and then shows what the user may still do: when
    // the user no longer leads, this form is gone with its summary, so the refusal is said aloud
    // and the focus goes to the members.
    await settle({ ok: false, error }, reload);
    setTimeout(() => {
      if (mounted.current) return;
      announce(message, 'error');
      focusLater('membres-titre');
    }, 0);
  };

  return (
    <form id="handover-form" className="inline-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Transmettre le pilotage" data-testid="handover-form">
      <ErrorSummary errors={errors} testId="handover-errors" />
      <p id="handover-aide">
        La structure choisie pilotera la coopération : elle seule pourra ensuite transmettre le pilotage, et elle fera avancer les étapes (avec le mandataire, s’il y en a un).{' '}
        {coop.mandataireId === coop.leadOrganisationId ? (
          <>
            <strong>{leadName}</strong> reste membre et, mandataire du groupement, garde le pouvoir de faire avancer, d’abandonner ou de clôturer la coopération ; elle
            ne pourra plus transmettre le pilotage.
          </>
        ) : (
          <>
            <strong>{leadName}</strong> reste membre, sans ces actions, et pourra ensuite être retirée comme tout autre membre.
          </>
        )}
      </p>
      <div className="field">
        <label htmlFor="handover-organisation">Structure qui prend le pilotage</label>
        <select
          id="handover-organisation"
          ref={first}
          value={chosen}
          onChange={(e) => setTarget(e.target.value)}
          {...fieldAria('handover-organisation', messageOf(errors, 'organisationId'), 'handover-aide')}
        >
          <option value="">Choisir parmi les membres</option>
          {candidates.map((m) => (
            <option key={m.organisationId} value={m.organisationId}>
              {names.get(m.organisationId) ?? m.organisationId}
            </option>
          ))}
        </select>
        <FieldMessage id="handover-organisation" message={messageOf(errors, 'organisationId')} />
      </div>
      <div className="field">
        <label htmlFor="handover-reason">Raison (facultatif)</label>
        <textarea id="handover-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} {...fieldAria('handover-reason', messageOf(errors, 'reason'))} />
        <FieldMessage id="handover-reason" message={messageOf(errors, 'reason')} />
      </div>
      <SendOrCancel className="form__actions form__actions--start" busy={pending !== null} onCancel={onCancel}>
        Confirmer la transmission du pilotage
      </SendOrCancel>
    </form>
  );
}
