import { DomainError, decideRenewal, type RenewCooperation } from '@maillage/domain';
import { ConcurrencyError } from '@maillage/event-store';
import { cooperationAggregate } from './aggregates';
import type { CommandMeta, CommandResult } from './command-envelope';
import { toDomainEvent, type CommandExecutor } from './command-executor';
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
    try {
      const { state, version } = await executor.loadExpecting(cooperationAggregate, predecessorId, meta);
      authorizeCooperationCommand(meta.caller, command, state.status === 'NONE' ? null : state);
      const decision = decideRenewal(command, state, executor.context(meta));
      const predecessorStream = cooperationAggregate.streamName(predecessorId);
      const predecessor = await executor.append(predecessorStream, predecessorId, version, decision.predecessor.events, meta);
      const successorId = command.data.successorId;
      const successor = await executor.append(decision.successor.streamId, successorId, 0, decision.successor.events, meta, ':successor');
      return { ...predecessor, successor: { aggregateId: successorId, version: successor.version } };
    } catch (error) {
      if (meta.idempotencyKey && (error instanceof DomainError || error instanceof ConcurrencyError)) {
        const earlier = await resumeRenewal(executor, predecessorId, command, meta, meta.idempotencyKey);
        if (earlier) return earlier;
      }
      throw error;
    }
  });
}

/**
 * A retry of a renewal whose first attempt renewed the predecessor (its key-derived events are
 * there) and then stopped: returns the first result, writing the successor first if that attempt
 * crashed between the two appends. The successor is decided again from the predecessor as it was
 * just before the renewal, at the renewal's own date, so it is what the first attempt would have
 * written. Null when the predecessor holds no event of this key.
 */
async function resumeRenewal(
  executor: CommandExecutor,
  predecessorId: string,
  command: RenewCooperation,
  meta: CommandMeta,
  key: string,
): Promise<CommandResult | null> {
  const predecessorStream = cooperationAggregate.streamName(predecessorId);
  const predecessor = await executor.committedEarlier(predecessorStream, predecessorId, key);
  if (!predecessor) return null;
  const successorId = command.data.successorId;
  const successorStream = cooperationAggregate.streamName(successorId);
  const written = await executor.committedEarlier(successorStream, successorId, key, ':successor');
  if (written) return { ...predecessor, successor: { aggregateId: successorId, version: written.version } };
  if ((await executor.storedEvents(successorStream)).length) return null; // that id is someone else's
  const events = await executor.storedEvents(predecessorStream);
  const renewalIndex = events.findIndex((e) => e.streamVersion > predecessor.version - predecessor.eventTypes.length);
  let before = cooperationAggregate.initialState();
  for (const e of events.slice(0, renewalIndex)) before = cooperationAggregate.evolve(before, toDomainEvent(e));
  const occurredAt = events[renewalIndex].occurredAt.toISOString();
  const decision = decideRenewal(command, before, { ...executor.context(meta), occurredAt });
  const successor = await executor.append(successorStream, successorId, 0, decision.successor.events, { ...meta, occurredAt }, ':successor');
  return { ...predecessor, successor: { aggregateId: successorId, version: successor.version } };
}
