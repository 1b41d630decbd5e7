import { decideRenewal, type RenewCooperation } from '@maillage/domain';
import { cooperationAggregate } from './aggregates';
import type { CommandMeta, CommandResult } from './command-envelope';
import type { CommandExecutor } from './command-executor';
import { authorizeCooperationCommand } from '../authorization/access-policy';

/**
 * Renewal writes two streams. The predecessor is appended first, with its expected version, so a
 * concurrent change fails the whole renewal before anything is written; the successor stream is then
 * created with NO_STREAM. Event ids derive from the idempotency key when there is one, so a retry
 * with the same key returns the first result.
 */
export async function executeRenewal(
  executor: CommandExecutor,
  predecessorId: string,
  command: RenewCooperation,
  meta: CommandMeta,
): Promise<CommandResult> {
  return executor.idempotent(predecessorId, command, meta, async () => {
    const { state, version } = await executor.loadExpecting(cooperationAggregate, predecessorId, meta);
    authorizeCooperationCommand(meta.caller, command, state.status === 'NONE' ? null : state);
    const decision = decideRenewal(command, state, executor.context(meta));
    const predecessorStream = cooperationAggregate.streamName(predecessorId);
    const predecessor = await executor.append(predecessorStream, predecessorId, version, decision.predecessor.events, meta);
    const successorId = command.data.successorId;
    const successor = await executor.append(decision.successor.streamId, successorId, 0, decision.successor.events, meta, ':successor');
    return { ...predecessor, successor: { aggregateId: successorId, version: successor.version } };
  });
}
