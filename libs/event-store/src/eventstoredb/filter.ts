import { streamNameFilter, type Filter } from '@eventstore/db-client';
import { EventStoreError, EventStoreErrorCode } from '../errors';
import { STREAM_NAME_MAX_LENGTH, STREAM_NAME_PATTERN } from '../validation';

/**
 * Which streams of $all are Maillage's. By default every stream whose name the port accepts
 * (`<category>-<id>`, see STREAM_NAME_PATTERN): this leaves out system streams (`$...`), the
 * adapter's own event-id guard streams (`eventid_guard-...`, not a valid port name) and anything
 * else sharing the cluster. A deployment may narrow it to a list of category prefixes.
 */
export interface StreamFilterSpec {
  /** Server-side filter for subscribeToAll. */
  server: Filter;
  /** The same rule, client-side: for reads of $all (the 6.2.1 client's readAll takes no filter). */
  accepts(streamId: string): boolean;
  describe: string;
}

const PREFIX = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-$/;

export function maillageStreamFilter(prefixes?: readonly string[]): StreamFilterSpec {
  if (prefixes === undefined || prefixes.length === 0) {
    // .NET and JavaScript regexes agree on this pattern's syntax (classes, groups, anchors).
    const regex = STREAM_NAME_PATTERN.source;
    return {
      server: streamNameFilter({ regex }),
      accepts: (streamId) => streamId.length <= STREAM_NAME_MAX_LENGTH && STREAM_NAME_PATTERN.test(streamId),
      describe: `streams matching ${regex}`,
    };
  }
  for (const prefix of prefixes) {
    if (!PREFIX.test(prefix)) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `Invalid stream prefix ${JSON.stringify(prefix)}: a lower-case category followed by "-" (e.g. "cooperation-")`,
      );
    }
  }
  const list = [...new Set(prefixes)];
  return {
    server: streamNameFilter({ prefixes: list }),
    accepts: (streamId) =>
      list.some((p) => streamId.startsWith(p)) &&
      streamId.length <= STREAM_NAME_MAX_LENGTH &&
      STREAM_NAME_PATTERN.test(streamId),
    describe: `streams starting with ${list.join(', ')}`,
  };
}

/** Parses EVENTSTORE_STREAM_PREFIXES ("cooperation-,organisation-"); empty means "all Maillage streams". */
export function parseStreamPrefixes(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}
