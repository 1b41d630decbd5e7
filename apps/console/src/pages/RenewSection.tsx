import { useRef, useState, type FormEvent } from 'react';
import type { CooperationView } from '../api';
import { useCommand } from '../command';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FieldMessage, fieldAria } from '../components/FieldMessage';
import { Section, SubmitButton, focusLater } from '../components/ui';
import { plural } from '../format';
import { useRouter } from '../router';

/**
 * A closed cooperation may be renewed (e.g. a GME that won the same contract again): a new
 * cooperation linked to it, at the first stage, with the same kind, objectives and territory, and
 * its members if asked. Only its lead organisation or its mandataire may; the page then goes to
 * the new cooperation.
 */
export function RenewSection({ coop }: { coop: CooperationView }) {
  const { run, pending } = useCommand();
  const { navigate } = useRouter();
  const [name, setName] = useState(coop.name);
  const [carryOver, setCarryOver] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    const problem = trimmed.length < 3 ? 'Donnez un nom à la nouvelle coopération (3 caractères au moins).' : trimmed.length > 200 ? 'Le nom compte au plus 200 caractères.' : null;
    setError(problem);
    if (problem) {
      field.current?.focus();
      return;
    }
    setConfirming(true);
  };
  const renew = async () => {
    const successorId = crypto.randomUUID();
    const outcome = await run(
      'renewCooperation',
      { cooperationId: coop.id, expectedVersion: coop.version, successorId, idempotencyKey: `renew-${successorId}`, name: name.trim(), carryOverMembers: carryOver },
      `La coopération « ${name.trim()} » est créée : elle renouvelle « ${coop.name} ».`,
    );
    setConfirming(false);
    if (outcome.ok) navigate(`/cooperations/${successorId}`);
    else focusLater('renew-submit');
  };

  return (
    <Section title="Renouveler la coopération" id="renouveler">
      <p>
        La coopération est clôturée. Pour recommencer avec les mêmes partenaires (par exemple pour répondre de nouveau au même marché), renouvelez-la : une nouvelle coopération, liée à
        celle-ci, démarre à l’étape « Décision » avec le même type, les mêmes objectifs et le même territoire.
      </p>
      <form className="form" onSubmit={ask} noValidate aria-label="Renouveler la coopération" data-testid="renew-form">
        <div className="field">
          <label htmlFor="renew-name">Nom de la nouvelle coopération</label>
          <input
            id="renew-name"
            ref={field}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...fieldAria('renew-name', error)}
          />
          <FieldMessage id="renew-name" message={error} testId={null} />
        </div>
        <label className="choice">
          <input type="checkbox" checked={carryOver} onChange={(e) => setCarryOver(e.target.checked)} />
          Reprendre les membres ({plural(coop.members.length, 'structure', 'structures')})
        </label>
        <p>
          <SubmitButton className="button button--primary" busy={pending !== null} id="renew-submit">
            Renouveler la coopération
          </SubmitButton>
        </p>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Renouveler « ${coop.name} » ?`}
          confirmLabel="Créer la nouvelle coopération"
          busy={pending !== null}
          onConfirm={() => void renew()}
          onCancel={() => {
            setConfirming(false);
            focusLater('renew-submit');
          }}
        >
          <p>
            Une nouvelle coopération « {name.trim()} » sera créée à l’étape « Décision »,{' '}
            {carryOver ? `avec les mêmes membres (${plural(coop.members.length, 'structure', 'structures')})` : 'avec la seule structure porteuse comme membre'}. Celle-ci reste clôturée et
            garde son historique ; les deux seront liées.
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
