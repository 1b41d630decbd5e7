export const COOPERATION_STREAM_PREFIX = 'cooperation-';
export const ORGANISATION_STREAM_PREFIX = 'organisation-';

export const cooperationStreamName = (cooperationId: string): string => `${COOPERATION_STREAM_PREFIX}${cooperationId}`;
export const organisationStreamName = (organisationId: string): string =>
  `${ORGANISATION_STREAM_PREFIX}${organisationId}`;

/** Returns the id part of a stream name, or null when the prefix does not match. */
export const cooperationIdFromStream = (streamId: string): string | null =>
  streamId.startsWith(COOPERATION_STREAM_PREFIX) ? streamId.slice(COOPERATION_STREAM_PREFIX.length) : null;
export const organisationIdFromStream = (streamId: string): string | null =>
  streamId.startsWith(ORGANISATION_STREAM_PREFIX) ? streamId.slice(ORGANISATION_STREAM_PREFIX.length) : null;
