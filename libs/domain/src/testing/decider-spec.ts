import { DomainError, type DomainErrorCode } from '../shared/domain-error';
import type { DecideContext, Decider } from '../shared/messages';

/**
 * A tiny given/when/then helper in the style of emmett's DeciderSpecification:
 *   spec.given(events).when(command).then(expectedEvents)
 *   spec.given(events).when(command).thenThrows(code, details?)
 * Framework-agnostic: it throws plain errors with a readable message, so jest reports them.
 */
export interface DeciderSpecOptions {
  context: DecideContext | (() => DecideContext);
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** JSON with sorted keys, so that key order does not matter when comparing events. */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );

export const deciderSpec = <Command, Event, State>(decider: Decider<Command, Event, State>, options: DeciderSpecOptions) => {
  const contextOf = (override?: Partial<DecideContext>): DecideContext => ({
    ...(typeof options.context === 'function' ? options.context() : options.context),
    ...override,
  });
  return {
    given: (events: Event[]) => ({
      when: (command: Command, contextOverride?: Partial<DecideContext>) => {
        const run = () => {
          const state = events.reduce(decider.evolve, decider.initialState());
          return decider.decide(command, state, contextOf(contextOverride));
        };
        return {
          then: (expected: Event[]) => {
            const actual = run();
            if (canonicalJson(actual) !== canonicalJson(expected))
              throw new Error(`Unexpected events.\nExpected: ${json(expected)}\nActual: ${json(actual)}`);
            return actual;
          },
          /** Runs the command and returns the events, for custom assertions. */
          events: (): Event[] => run(),
          thenThrows: (code: DomainErrorCode, details?: Record<string, unknown>): DomainError => {
            let error: unknown;
            try {
              const produced = run();
              error = new Error(`Expected ${code} but the command produced ${json(produced)}`);
            } catch (e) {
              error = e;
            }
            if (!(error instanceof DomainError)) throw error instanceof Error ? error : new Error(String(error));
            if (error.code !== code) throw new Error(`Expected error ${code} but got ${error.code}: ${json(error.details)}`);
            if (details)
              for (const [k, v] of Object.entries(details))
                if (canonicalJson(error.details[k]) !== canonicalJson(v))
                  throw new Error(`Expected details.${k} = ${json(v)} but got ${json(error.details[k])}`);
            return error;
          },
        };
      },
    }),
  };
};
