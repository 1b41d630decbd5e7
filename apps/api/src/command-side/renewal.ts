import { DomainError, DomainErrorCode, decideRenewal, type RenewCooperation } from '@maillage/domain';
import { ConcurrencyError } from '@maillage/event-store';
import { cooperationAggregate } from './aggregates';
import type { CommandMeta, CommandResult } from './command-envelope';
import { checkMeta, toDomainEvent, type CommandExecutor } from './command-executor';
import { authorizeCooperationCommand } from '../authorization/access-policy';

/**
 * Renewal writes two streams. Everything that can refuse it is checked before the first write: the
 * caller's access, then the expected version, then the decider, then that the successor's stream
 * does not exist yet (a taken or malformed successor id used to leave the predecessor pointing at
 * a cooperation that was not its successor, never to be renewed again). The predecessor is then
 * appended with its expected version, so a concurrent change fails the whole renewal before
 * anything is written, and the successor stream is created with NO_STREAM. Only a successor id
 * taken in the instant between the check and the second append (someone else choosing the same
 * UUID at that moment) can still separate the two writes; it is answered ALREADY_EXISTS like the
 * checked case. Event ids derive from the idempotency key and the request when there is a key, so
 * a retry of the same request returns the first result.
 */
export async function executeRenewal(
  executor: CommandExecutor,
  predecessorId: string,
  command: RenewCooperation,
  meta: CommandMeta,
): Promise<CommandResult> {
  checkMeta(meta);
  return executor.idempotent(predecessorId, command, meta, async (keyed) => {
    try {
      const { state, version } = await executor.loadAuthorized(cooperationAggregate, predecessorId, meta, (s) =>
        authorizeCooperationCommand(meta.caller, command, s.status === 'NONE' ? null : s),
      );
      const decision = decideRenewal(command, state, executor.context(meta));
      const successorId = command.data.successorId;
      if (await executor.streamExists(decision.successor.streamId)) throw successorTaken();
      const predecessorStream = cooperationAggregate.streamName(predecessorId);
      const predecessor = await executor.append(predecessorStream, predecessorId, version, decision.predecessor.events, keyed);
      const successor = await executor
        .append(decision.successor.streamId, successorId, 0, decision.successor.events, keyed, ':successor')
        .catch((error: unknown) => {
          throw error instanceof ConcurrencyError ? successorTaken() : error;
        });
      return { ...predecessor, successor: { aggregateId: successorId, version: successor.version } };
    } catch (error) {
      if (keyed.eventIdSeed && (error instanceof DomainError || error instanceof ConcurrencyError)) {
        const earlier = await resumeRenewal(executor, predecessorId, command, keyed, keyed.eventIdSeed);
        if (earlier) return earlier;
      }
      throw error;
    }
  });
}

/** The successor id names an existing cooperation: said without anything about that cooperation. */
const successorTaken = (): DomainError => new DomainError(DomainErrorCode.ALREADY_EXISTS, { field: 'successorId' });

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
  seed: string,
): Promise<CommandResult | null> {
  const predecessorStream = cooperationAggregate.streamName(predecessorId);
  const predecessor = await executor.committedEarlier(predecessorStream, predecessorId, seed);
  if (!predecessor) return null;
  const successorId = command.data.successorId;
  const events = await executor.storedEvents(predecessorStream);
  // The key renewed the predecessor towards another successor: not this request's first attempt.
  const renewed = events.find((e) => e.streamVersion === predecessor.version);
  if ((renewed?.data as { successorId?: unknown } | undefined)?.successorId !== successorId) return null;
  const successorStream = cooperationAggregate.streamName(successorId);
  const written = await executor.committedEarlier(successorStream, successorId, seed, ':successor');
  if (written) return { ...predecessor, successor: { aggregateId: successorId, version: written.version } };
  if (await executor.streamExists(successorStream)) return null; // that id is someone else's
  const renewalIndex = events.findIndex((e) => e.streamVersion > predecessor.version - predecessor.eventTypes.length);
  let before = cooperationAggregate.initialState();
  for (const e of events.slice(0, renewalIndex)) before = cooperationAggregate.evolve(before, toDomainEvent(e));
  const occurredAt = events[renewalIndex].occurredAt.toISOString();
  const decision = decideRenewal(command, before, { ...executor.context(meta), occurredAt });
  const successor = await executor.append(successorStream, successorId, 0, decision.successor.events, { ...meta, occurredAt }, ':successor');
  return { ...predecessor, successor: { aggregateId: successorId, version: successor.version } };
}
