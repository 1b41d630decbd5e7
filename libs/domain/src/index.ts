/**
 * @maillage/domain: the pure model of cooperations (deciders, events, rules, labels). No framework
 * imports; time, ids and lookups come in through the context and the command data.
 */
export { latestDayBegun, utcDayOf } from './shared/days';
export * from './shared/domain-error';
export * from './shared/messages';
export * from './shared/stream-names';
export { isIsoDate, isIsoDateTime, isoForm } from './shared/validation';

export * from './territory/territory';

export * from './organisation/organisation.types';
export * from './organisation/siret';
export * from './organisation/organisation.events';
export * from './organisation/organisation.decider';

export * from './cooperation/cooperation.types';
export * from './cooperation/cooperation.events';
export * from './cooperation/cooperation.state';
export * from './cooperation/cooperation.commands';
export * from './cooperation/cooperation.playbook';
export * from './cooperation/cooperation.decider';
export * from './cooperation/cooperation.closing';
export * from './cooperation/cooperation.renewal';
export * from './cooperation/cooperation.invariants';

export * from './labels/labels.fr';
export * from './labels/event-details.fr';
export * from './labels/validation.fr';
export * from './docs/lifecycle-doc';
export * from './testing/decider-spec';
