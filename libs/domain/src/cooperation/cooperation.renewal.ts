import { DomainErrorCode, reject } from '../shared/domain-error';
import type { DecideContext } from '../shared/messages';
import { cooperationStreamName } from '../shared/stream-names';
import { checkContext, optionalString, requireObject, requireString } from '../shared/validation';
import type { RenewCooperation } from './cooperation.commands';
import { decideCooperation } from './cooperation.decider';
import type { CooperationEvent } from './cooperation.events';
import type { CooperationState } from './cooperation.state';

export interface RenewalDecision {
  predecessor: { streamId: string; events: CooperationEvent[] };
  successor: { streamId: string; events: CooperationEvent[] };
}

/**
 * Renewal spans two streams (seed 002: the HEP/Confluences GME won the same contract twice). Given
 * the closed predecessor, returns the events of both: the successor starts again at DECISION with
 * `renewedFrom`, the same kind, objectives and territory, and by default the same members (and
 * mandataire); the predecessor records `CooperationRenewed`. The handler appends the successor
 * with NO_STREAM and the predecessor with its expected version.
 */
export const decideRenewal = (command: RenewCooperation, predecessor: CooperationState, context: DecideContext): RenewalDecision => {
  checkContext(context);
  const predecessorEvents = decideCooperation(command, predecessor, context);
  if (predecessor.status === 'NONE') throw reject(DomainErrorCode.NOT_FOUND, {});
  const d = requireObject(command.data, 'data');
  const successorId = requireString(d.successorId, 'successorId', 100);
  const name = optionalString(d.name, 'name', 200) ?? predecessor.name;
  const carry = d.carryOverMembers !== false;
  const at = context.occurredAt;
  const events: CooperationEvent[] = [
    {
      type: 'CooperationProposed',
      occurredAt: at,
      data: {
        cooperationId: successorId,
        kind: predecessor.kind,
        name,
        objectives: [...predecessor.objectives],
        territory: { regionCode: predecessor.territory.regionCode, departementCodes: [...predecessor.territory.departementCodes] },
        sectors: [...predecessor.sectors],
        leadOrganisationId: predecessor.leadOrganisationId,
        renewedFrom: predecessor.id,
      },
    },
  ];
  const members = carry
    ? predecessor.members
    : predecessor.members.filter((m) => m.organisationId === predecessor.leadOrganisationId || m.role === 'PARENT');
  for (const m of members)
    events.push({
      type: 'CooperationMemberAdded',
      occurredAt: at,
      data: { organisationId: m.organisationId, organisationKind: m.organisationKind, ess: m.ess, role: m.role },
    });
  if (predecessor.mandataireId && members.some((m) => m.organisationId === predecessor.mandataireId))
    events.push({ type: 'CooperationMandataireDesignated', occurredAt: at, data: { organisationId: predecessor.mandataireId } });
  if (predecessor.gmeForm) events.push({ type: 'CooperationGmeFormSet', occurredAt: at, data: { form: predecessor.gmeForm } });
  return {
    predecessor: { streamId: cooperationStreamName(predecessor.id), events: predecessorEvents },
    successor: { streamId: cooperationStreamName(successorId), events },
  };
};
