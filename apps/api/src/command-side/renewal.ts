import { DomainError, DomainErrorCode, decideRenewal, type RenewCooperation } from '@maillage/domain';
import { ConcurrencyError } from '@maillage/event-store';
import { cooperationAggregate } from './aggregates';
import type { CommandMeta, CommandResult } from './command-envelope';
import { checkMeta, toDomainEvent, type CommandExecutor } from './command-executor';
import { authorizeCooperationCommand } from '../authorization/access-policy';

/**
 * Renewal writes two streams. Everything that can refuse it is checked before writing: the
 * caller's access, then the expected version, then the decider, then that the successor's stream
 * does not exist yet (a taken or malformed successor id used to leave the predecessor pointing at
 * a cooperation that was not its successor, never to be renewed again). Both streams are then
 * appended together: the predecessor at the version decided on, the successor as a new stream. On
 * PostgreSQL that is one transaction, so a concurrent change of the predecessor, or a successor id
 * taken since the check (answered ALREADY_EXISTS like the checked case), writes nothing at all. A
 * store without multi-stream appends (EventStoreDB) writes the predecessor first; there, a
 * successor id taken in the instant between the check and the second append can still separate
 * the two writes, and a crash between them is completed by a retry with the same key
 * (`resumeRenewal`). Event ids derive from the idempotency key and the request when there is a
 * key, so a retry of the same request returns the first result.
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
      const [predecessor, successor] = await executor
        .appendTogether(
          [
            { streamId: predecessorStream, aggregateId: predecessorId, version, events: decision.predecessor.events },
            { streamId: decision.successor.streamId, aggregateId: successorId, version: 0, events: decision.successor.events, idSalt: ':successor' },
          ],
          keyed,
        )
        .catch((error: unknown) => {
          throw error instanceof ConcurrencyError && error.streamId === decision.successor.streamId ? successorTaken() : error;
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
  // The seed holds the request's hash, successor id included: these events renewed towards this successor.
  const successorId = command.data.successorId;
  const events = await executor.storedEvents(predecessorStream);
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
