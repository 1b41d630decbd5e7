import type { BuildSchemaOptions } from '@nestjs/graphql';
import { DateTimeResolver } from 'graphql-scalars';

/**
 * Options shared by the served schema and the one `npm run build` prints (docs/schema.graphql).
 *
 * `Date` fields use graphql-scalars' `DateTime` (RFC 3339 date-time with an offset, a real
 * calendar date), not @nestjs/graphql's `GraphQLISODateTime`, which turns any string into a `Date`:
 * `occurredAt: "2025-13-45"` reached the command side as an Invalid Date and failed there as an
 * internal error. Now such a value is refused while the variables are read, with BAD_USER_INPUT.
 */
export const SCHEMA_OPTIONS: BuildSchemaOptions = {
  scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
};
