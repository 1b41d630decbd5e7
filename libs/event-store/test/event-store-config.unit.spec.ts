import {
  EventStoreConfigError,
  eventStoreConfigForUrl,
  formatMigrationProgress,
  groupConsecutiveByStream,
  migrationProgress,
  readEventStoreConfig,
  type RecordedEvent,
} from '@maillage/event-store';

describe('choosing the event store (EVENT_STORE)', () => {
  it('defaults to PostgreSQL', () => {
    expect(readEventStoreConfig({})).toEqual({ kind: 'postgres' });
    expect(readEventStoreConfig({ EVENT_STORE: ' Postgres ' })).toEqual({ kind: 'postgres' });
  });

  it('selects EventStoreDB with its connection string and optional stream prefixes', () => {
    expect(readEventStoreConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' })).toEqual({
      kind: 'eventstoredb',
      connectionString: 'esdb://localhost:2113?tls=false',
    });
    expect(
      readEventStoreConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb+discover://a:2113,b:2113',
        EVENTSTORE_STREAM_PREFIXES: 'cooperation-,organisation-',
      }),
    ).toEqual({ kind: 'eventstoredb', connectionString: 'esdb+discover://a:2113,b:2113', streamPrefixes: ['cooperation-', 'organisation-'] });
  });

  it.each([
    [{ EVENT_STORE: 'mongodb' }, /Unknown EVENT_STORE="mongodb": expected one of postgres, eventstoredb/],
    [{ EVENT_STORE: 'eventstoredb' }, /needs EVENTSTORE_CONNECTION_STRING/],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://admin:pw@x' }, /must start with esdb:\/\/.*http:\/\/admin:\*\*\*@x/],
  ])('refuses %j with a clear startup error', (env, message) => {
    expect(() => readEventStoreConfig(env)).toThrow(EventStoreConfigError);
    expect(() => readEventStoreConfig(env)).toThrow(message);
  });

  it('tells the kind of store from a location (events migrate)', () => {
    expect(eventStoreConfigForUrl('postgresql://u@h/db')).toEqual({ config: { kind: 'postgres' }, postgresUrl: 'postgresql://u@h/db' });
    expect(eventStoreConfigForUrl('esdb://h:2113')).toEqual({ config: { kind: 'eventstoredb', connectionString: 'esdb://h:2113' }, postgresUrl: null });
    expect(() => eventStoreConfigForUrl('mysql://h')).toThrow(EventStoreConfigError);
  });
});

describe('migration progress and grouping', () => {
  it('computes rate and ETA from this run only', () => {
    expect(migrationProgress('copying', 600, 1000, 100, 5000)).toEqual({ phase: 'copying', done: 600, total: 1000, eventsPerSecond: 100, etaSeconds: 4 });
    expect(migrationProgress('copying', 100, 1000, 100, 0)).toMatchObject({ eventsPerSecond: 0, etaSeconds: null });
    expect(migrationProgress('counting', 0, null, 0, 10)).toMatchObject({ total: null, etaSeconds: null });
    expect(migrationProgress('done', 1000, 1000, 0, 10)).toMatchObject({ etaSeconds: 0 });
    expect(formatMigrationProgress(migrationProgress('copying', 600, 1000, 100, 5000))).toBe(
      'migration copie : 600/1000 événements, 100 év./s, reste 4 s',
    );
  });

  it('groups only consecutive versions of one stream, keeping global order', () => {
    const e = (streamId: string, streamVersion: number) => ({ streamId, streamVersion }) as RecordedEvent;
    const events = [e('a-1', 1), e('a-1', 2), e('b-1', 1), e('a-1', 3), e('a-1', 5), e('a-1', 6)];
    expect(groupConsecutiveByStream(events).map((g) => g.map((x) => `${x.streamId}@${x.streamVersion}`))).toEqual([
      ['a-1@1', 'a-1@2'],
      ['b-1@1'],
      ['a-1@3'],
      ['a-1@5', 'a-1@6'],
    ]);
  });
});
