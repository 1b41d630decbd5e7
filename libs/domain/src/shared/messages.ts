/**
 * Envelopes shared by every aggregate. Events are plain JSON: dates are ISO strings.
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
  /** ISO 8601: when the fact happened in reality (may be in the past), not when it was recorded. */
  occurredAt: string;
}

export interface DomainCommand<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

/**
 * Everything impure a decider needs comes in here: the clock, the command's real-world date and
 * id generation. Lookups about other aggregates travel inside the command data (see
 * OrganisationRef) so that the events record them as snapshots.
 */
export interface DecideContext {
  /** ISO 8601 server time when the command is handled. */
  now: string;
  /** ISO 8601 time the fact happened, as stated by the command; must not be after `now`. */
  occurredAt: string;
  /** Id generator for child entities when the command does not carry one. */
  newId?: () => string;
}

export interface Decider<Command, Event, State> {
  decide: (command: Command, state: State, context: DecideContext) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}
