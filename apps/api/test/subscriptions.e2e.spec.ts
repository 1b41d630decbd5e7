import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Pool } from 'pg';
import { createTestDatabase, graphqlClient, type TestDatabase } from '@maillage/testing';
import { eventTypeLabelsFr } from '@maillage/domain';
import { createApp } from '../src/bootstrap';
import { PG_POOL } from '../src/database/database.module';
import type { ActivityFeed } from '../src/subscriptions/activity-feed';
import { ACTIVITY_FEED } from '../src/subscriptions/subscriptions.resolver';
import { ARMOR_LIMITS } from '../src/graphql/armor';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(90_000);

/**
 * Shorter than the default wait limit so the "projection stuck" case runs faster, yet long enough
 * that the nominal cases stay well below it on a loaded machine: any open transaction on the
 * server holds the projector's reads back (the commit-safe order), e.g. another test file's.
 */
const CATCH_UP_TIMEOUT_MS = 6000;

interface CoopEvent {
  cooperationId: string;
  version: number;
  type: string;
  label: string;
  details: string;
  data: string;
  position: string;
  readModelsCurrent: boolean;
}
interface Activity {
  cooperationId: string;
  region: string;
  name: string | null;
  kind: string | null;
  stage: string | null;
  eventType: string;
  label: string;
  version: number;
  readModelsCurrent: boolean;
}
/** What the read model said at the moment a notification arrived. */
interface SummaryAtReceipt {
  version: number | null;
  memberCount: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('subscriptions over graphql-ws', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let ws: Client;
  let wsUrl: string;
  let pool: Pool;
  let feed: ActivityFeed;
  let actors: TestActors;
  /** Commands run as staff of the cooperation's lead organisation. */
  const leadOf = new Map<string, Headers>();
  const previousTimeout = process.env.MAILLAGE_SUBSCRIPTION_CATCHUP_TIMEOUT_MS;

  beforeAll(async () => {
    process.env.MAILLAGE_SUBSCRIPTION_CATCHUP_TIMEOUT_MS = String(CATCH_UP_TIMEOUT_MS);
    db = await createTestDatabase('subscriptions');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    const httpUrl = `${await app.getUrl()}/graphql`;
    gql = graphqlClient(httpUrl);
    wsUrl = httpUrl.replace(/^http/, 'ws');
    actors = TestActors.of(app);
    // The subscriber is a platform operator: it may follow any cooperation and any région.
    const admin = await actors.admin();
    ws = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { ...admin } });
    pool = app.get<Pool>(PG_POOL);
    feed = app.get<ActivityFeed>(ACTIVITY_FEED);
  });

  afterAll(async () => {
    await ws?.dispose();
    await app?.close();
    await db?.drop();
    if (previousTimeout === undefined) delete process.env.MAILLAGE_SUBSCRIPTION_CATCHUP_TIMEOUT_MS;
    else process.env.MAILLAGE_SUBSCRIPTION_CATCHUP_TIMEOUT_MS = previousTimeout;
  });

  const summaryOf = async (cooperationId: string): Promise<SummaryAtReceipt> => {
    const { rows } = await pool.query<{ version: number; member_count: number }>(
      `select version, member_count from cooperation_summary where id = $1`,
      [cooperationId],
    );
    return { version: rows[0]?.version ?? null, memberCount: rows[0]?.member_count ?? null };
  };

  /**
   * Subscribes and records, for every notification, what the read model says right on receipt
   * (the query is issued synchronously in the handler, before anything else can run).
   */
  function subscribe<T extends { cooperationId: string; version: number }>(query: string, variables: Record<string, unknown>, afterVersion = 0) {
    const received: { value: T; summary: Promise<SummaryAtReceipt> }[] = [];
    const errors: unknown[] = [];
    let completed = false;
    const before = feed.subscriberCount;
    const unsubscribe = ws.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) errors.push(message.errors);
          const value = Object.values(message.data ?? {})[0];
          // A subscription opened right after an append may still get that append: ignore it here.
          if (value && value.version > afterVersion) received.push({ value, summary: summaryOf(value.cooperationId) });
        },
        error: (error) => errors.push(error),
        complete: () => (completed = true),
      },
    );
    const ready = () => until(() => feed.subscriberCount > before, 'the subscription to register on the server');
    return { received, errors, unsubscribe, ready, isCompleted: () => completed };
  }

  const register = async (name: string, kind: string, regionCode: string, departementCode: string): Promise<string> => {
    const r = await gql<{ registerOrganisation: { organisationId: string } }>(
      `mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`,
      { input: { name, kind, regionCode, departementCode } },
      await actors.admin(),
    );
    expect(r.errors).toBeUndefined();
    return r.data!.registerOrganisation.organisationId;
  };

  const mutate = async (name: string, input: Record<string, unknown>): Promise<{ version: number; eventTypes: string[] }> => {
    const cooperationId = input.cooperationId as string;
    if (name === 'proposeCooperation') leadOf.set(cooperationId, await actors.member(input.leadOrganisationId as string));
    const r = await gql<Record<string, { version: number; eventTypes: string[] }>>(
      `mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { version eventTypes } }`,
      { input },
      leadOf.get(cooperationId),
    );
    expect(r.errors).toBeUndefined();
    return r.data![name];
  };

  const propose = (cooperationId: string, name: string, leadOrganisationId: string, regionCode: string, departementCode: string) =>
    mutate('proposeCooperation', {
      cooperationId,
      kind: 'GME',
      name,
      objectives: ['ECONOMIC_DEVELOPMENT'],
      territory: { regionCode, departementCodes: [departementCode] },
      sectors: ['WASTE_RECYCLING'],
      leadOrganisationId,
    });

  const COOP_QUERY = `subscription($id: ID!) { cooperationEvents(cooperationId: $id) { cooperationId version type label details data position readModelsCurrent } }`;
  const REGION_QUERY = `subscription($region: String!) { regionalActivity(region: $region) { cooperationId region name kind stage eventType label version readModelsCurrent } }`;

  it('sends each subscriber exactly its events, in order, labelled, after the read models include them', async () => {
    const idf = '11';
    const ara = '84';
    const plaine = randomUUID();
    const lyon = randomUUID();
    const region = subscribe<Activity>(REGION_QUERY, { region: idf });
    await region.ready();

    const lead = await register('Le Petit Plus', 'EA', idf, '93');
    const regie = await register('Régie de quartier de Stains', 'REGIE', idf, '93');
    const leadLyon = await register('Atelier Lyonnais', 'EA', ara, '69');
    const regieLyon = await register('Régie de quartier de Vaulx-en-Velin', 'REGIE', ara, '69');

    // Interleave the two cooperations (Île-de-France and Auvergne-Rhône-Alpes). One can only
    // follow a cooperation that exists: the cooperation subscriber starts after the proposal.
    const proposed = await propose(plaine, 'Collecte des cartons — Plaine Commune', lead, idf, '93');
    const coop = subscribe<CoopEvent>(COOP_QUERY, { id: plaine }, proposed.version);
    await coop.ready();
    await propose(lyon, 'Collecte des cartons — Lyon', leadLyon, ara, '69');
    await mutate('addMember', { cooperationId: lyon, organisationId: regieLyon });
    await mutate('addMember', { cooperationId: plaine, organisationId: regie });
    await mutate('designateMandataire', { cooperationId: plaine, organisationId: lead });
    await mutate('designateMandataire', { cooperationId: lyon, organisationId: leadLyon });
    const last = await mutate('recordDeliverable', { cooperationId: plaine, kind: 'NOTE_DE_SYNTHESE' });
    expect(last.version).toBe(5); // the proposal also records the lead as a member

    expect(proposed.version).toBe(2);
    await until(() => coop.received.length >= 3 && region.received.length >= 5, 'the notifications of both subscribers');
    await sleep(300); // nothing else may follow (the other cooperation's events are in the same batches)

    const expected = ['CooperationProposed', 'CooperationMemberAdded', 'CooperationMemberAdded', 'CooperationMandataireDesignated', 'CooperationDeliverableRecorded'];
    expect(coop.errors).toEqual([]);
    expect(coop.received.map((r) => [r.value.cooperationId, r.value.version, r.value.type, r.value.label])).toEqual(
      expected.slice(2).map((type, i) => [plaine, i + 3, type, eventTypeLabelsFr[type as keyof typeof eventTypeLabelsFr]]),
    );
    expect(coop.received.every((r) => r.value.readModelsCurrent)).toBe(true);
    expect(JSON.parse(coop.received[0].value.data)).toMatchObject({ organisationId: regie, role: 'COTRAITANT' });
    // As in the history: the fact in French, with the organisation's name.
    expect(coop.received.map((r) => r.value.details)).toEqual([
      'Régie de quartier de Stains rejoint la coopération (cotraitant)',
      'Mandataire du groupement : Le Petit Plus',
      'Note de synthèse',
    ]);
    expect(coop.received.map((r) => r.value.label)).toEqual(expect.arrayContaining([expect.stringMatching(/[a-zé]/)]));

    expect(region.errors).toEqual([]);
    expect(region.received.map((r) => [r.value.cooperationId, r.value.region, r.value.eventType, r.value.version])).toEqual(
      expected.map((type, i) => [plaine, idf, type, i + 1]),
    );
    expect(region.received[4].value).toMatchObject({
      name: 'Collecte des cartons — Plaine Commune',
      kind: 'GME',
      label: eventTypeLabelsFr.CooperationDeliverableRecorded,
      readModelsCurrent: true,
    });

    // On receipt, the read model already had each event (its version is at least the event's).
    for (const { value, summary } of [...coop.received, ...region.received]) {
      const seen = await summary;
      expect({ event: value.version, summary: (seen.version ?? 0) >= value.version }).toEqual({ event: value.version, summary: true });
    }
    expect((await coop.received[0].summary).memberCount).toBeGreaterThanOrEqual(2);

    coop.unsubscribe();
    region.unsubscribe();
    await until(() => feed.subscriberCount === 0, 'the subscriptions to be released');
  });

  it('holds a notification until the projection has committed it', async () => {
    const idf = '11';
    const cooperationId = randomUUID();
    const lead = await register('Ressourcerie du Pays Briard', 'ASSOCIATION', idf, '77');
    const member = await register('Régie de quartier de Melun', 'REGIE', idf, '77');
    const proposed = await propose(cooperationId, 'Réemploi — Pays Briard', lead, idf, '77');
    const coop = subscribe<CoopEvent>(COOP_QUERY, { id: cooperationId }, proposed.version);
    await coop.ready();

    // Block the cooperation projection: its batch waits on this lock (no xid: readAll is not held back).
    await until(async () => (await summaryOf(cooperationId)).version === proposed.version, 'the proposal to be projected');
    const blocker = await pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table cooperation_summary in exclusive mode');
      await mutate('addMember', { cooperationId, organisationId: member });
      await sleep(1200);
      expect(coop.received).toEqual([]); // the event is readable, but not yet projected
      await blocker.query('commit');
    } finally {
      blocker.release();
    }
    await until(() => coop.received.length === 1, 'the notification once projected');
    expect(coop.received[0].value).toMatchObject({ type: 'CooperationMemberAdded', version: 3, readModelsCurrent: true });
    expect(await coop.received[0].summary).toEqual({ version: 3, memberCount: 2 });
    coop.unsubscribe();
  });

  it('sends events flagged readModelsCurrent=false when the projections stay stuck past the wait limit, then recovers', async () => {
    const idf = '11';
    const cooperationId = randomUUID();
    const lead = await register('Envie Île-de-France', 'EI', idf, '94');
    const member = await register('Régie de quartier de Choisy', 'REGIE', idf, '94');
    const proposed = await propose(cooperationId, 'Réparation électroménager — Val-de-Marne', lead, idf, '94');
    const coop = subscribe<CoopEvent>(COOP_QUERY, { id: cooperationId }, proposed.version);
    await coop.ready();

    await until(async () => (await summaryOf(cooperationId)).version === proposed.version, 'the proposal to be projected');
    const blocker = await pool.connect();
    const started = Date.now();
    try {
      await blocker.query('begin');
      await blocker.query('lock table cooperation_summary in exclusive mode');
      await mutate('addMember', { cooperationId, organisationId: member });
      await until(() => coop.received.length === 1, 'the flagged notification', CATCH_UP_TIMEOUT_MS + 5000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(CATCH_UP_TIMEOUT_MS - 100);
      expect(coop.received[0].value).toMatchObject({ type: 'CooperationMemberAdded', version: 3, readModelsCurrent: false });
      expect((await coop.received[0].summary).version).toBe(2); // the read model does not have it yet
      await blocker.query('commit');
    } finally {
      blocker.release();
    }
    // Once the projection has caught up, the feed is current again and waits fully for new events.
    await until(async () => (await summaryOf(cooperationId)).version === 3, 'the projection to catch up');
    await mutate('designateMandataire', { cooperationId, organisationId: lead });
    await until(() => coop.received.length === 2, 'the next notification');
    expect(coop.received[1].value).toMatchObject({ type: 'CooperationMandataireDesignated', version: 4, readModelsCurrent: true });
    expect((await coop.received[1].summary).version).toBe(4);
    coop.unsubscribe();
  });

  it('ends a running subscription once its caller loses the right: organisation removed (NOT_FOUND), account disabled (UNAUTHENTICATED)', async () => {
    const previous = process.env.MAILLAGE_SUBSCRIPTION_RECHECK_MS;
    process.env.MAILLAGE_SUBSCRIPTION_RECHECK_MS = '0'; // check before every delivery
    const clients: Client[] = [];
    /** A subscriber on its own connection, with its own credentials. */
    const follow = <T extends { cooperationId: string }>(headers: Headers, query: string, variables: Record<string, unknown>) => {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { ...headers } });
      clients.push(client);
      const received: T[] = [];
      const errors: { message: string; extensions?: { code?: string } }[] = [];
      let completed = false;
      const before = feed.subscriberCount;
      client.subscribe<Record<string, T>>({ query, variables }, {
        next: (message) => {
          const value = Object.values(message.data ?? {})[0];
          if (value) received.push(value);
        },
        error: (error) => errors.push(...(Array.isArray(error) ? (error as typeof errors) : [{ message: String(error) }])),
        complete: () => (completed = true),
      });
      const ready = () => until(() => feed.subscriberCount > before, 'the subscription to register on the server');
      return { received, errors, ready, ended: () => completed || errors.length > 0 };
    };
    try {
      const lead = await register('Ressourcerie du Val', 'ACI', '11', '94');
      const partner = await register('Régie du Val', 'REGIE', '11', '94');
      const cooperationId = randomUUID();
      await propose(cooperationId, 'GME du Val', lead, '11', '94');
      await mutate('addMember', { cooperationId, organisationId: partner });

      // A member of the partner follows the cooperation; a network of Île-de-France its région.
      // One after the other: ready() waits for the feed's subscriber count to grow.
      const partnerStaff = follow<{ cooperationId: string; type: string }>(await actors.member(partner), COOP_QUERY, { id: cooperationId });
      await partnerStaff.ready();
      const networkHeaders = await actors.network(['11'], 'network-val');
      const network = follow<{ cooperationId: string; eventType: string }>(networkHeaders, REGION_QUERY, { region: '11' });
      await network.ready();
      await mutate('designateMandataire', { cooperationId, organisationId: lead });
      // (A subscription opened right after an append may also get that append: look for this one.)
      await until(
        () => partnerStaff.received.some((e) => e.type === 'CooperationMandataireDesignated') && network.received.some((a) => a.eventType === 'CooperationMandataireDesignated'),
        'both to get the designation',
      );

      // The partner leaves: the removal itself is the first fact it may no longer read.
      await mutate('removeMember', { cooperationId, organisationId: partner });
      await until(() => partnerStaff.ended(), 'the member subscription to end');
      expect(partnerStaff.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      expect(partnerStaff.received.map((e) => e.type)).toContain('CooperationMandataireDesignated');
      expect(partnerStaff.received.map((e) => e.type)).not.toContain('CooperationMemberRemoved');
      await until(() => network.received.some((a) => a.eventType === 'CooperationMemberRemoved'), 'the network to get the removal');

      // The network's account is disabled: its next delivery is refused, nothing more arrives.
      const me = await gql<{ me: { id: string } }>('query { me { id } }', {}, networkHeaders);
      const disabled = await gql('mutation ($id: ID!) { disableUser(id: $id) { status } }', { id: me.data!.me.id }, await actors.admin());
      expect(disabled.errors).toBeUndefined();
      const seen = network.received.length;
      await mutate('setGmeForm', { cooperationId, form: 'SOLIDAIRE' });
      await until(() => network.ended(), 'the network subscription to end');
      expect(network.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(network.errors[0].message).not.toMatch(/\bat\b.*\.ts|Error:/);
      expect(network.received).toHaveLength(seen);
      await until(() => feed.subscriberCount === 0, 'both subscriptions to leave the feed');
    } finally {
      for (const client of clients) await client.dispose();
      if (previous === undefined) delete process.env.MAILLAGE_SUBSCRIPTION_RECHECK_MS;
      else process.env.MAILLAGE_SUBSCRIPTION_RECHECK_MS = previous;
    }
  });

  it('checks the credentials of every operation sent over an open socket, not only those of connection_init', async () => {
    const lead = await register('Atelier du Canal', 'EI', '11', '93');
    const cooperationId = randomUUID();
    await propose(cooperationId, 'GIE du Canal', lead, '11', '93');
    const staff = await actors.member(lead);
    // One socket for the whole test (a lazy client would reconnect, and connection_init is checked).
    let connections = 0;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { ...staff },
      on: { connected: () => connections++ },
    });
    /** One operation over this socket: its data, or its errors' codes. */
    const run = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<{ data?: Record<string, unknown>; codes: (string | undefined)[] }>((resolve) => {
        let data: Record<string, unknown> | undefined;
        const codes: (string | undefined)[] = [];
        client.subscribe<Record<string, unknown>>({ query, variables }, {
          next: (message) => {
            data = message.data ?? undefined;
            codes.push(...(message.errors ?? []).map((e) => e.extensions?.code as string | undefined));
          },
          error: (error) => {
            const errors = Array.isArray(error) ? (error as { extensions?: { code?: string } }[]) : [{ extensions: { code: `closed ${(error as { code?: number; reason?: string }).code} ${(error as { reason?: string }).reason}` } }];
            codes.push(...errors.map((e) => e.extensions?.code));
            resolve({ data, codes });
          },
          complete: () => resolve({ data, codes }),
        });
      });
    try {
      const me = await run('query { me { id } }');
      expect(me.codes).toEqual([]);
      const userId = (me.data!.me as { id: string }).id;
      const read = `query($id: ID!) { cooperation(id: $id) { id } }`;
      expect((await run(read, { id: cooperationId })).data).toEqual({ cooperation: { id: cooperationId } });

      // The account is disabled: HTTP refuses its token at once, and so does the open socket, for
      // queries, mutations and new subscriptions alike.
      expect((await gql('mutation ($id: ID!) { disableUser(id: $id) { status } }', { id: userId }, await actors.admin())).errors).toBeUndefined();
      const before = (await gql<{ cooperation: { version: number } }>(`query($id: ID!) { cooperation(id: $id) { version } }`, { id: cooperationId }, await actors.admin())).data!
        .cooperation.version;
      expect((await run('query { me { id } }')).codes).toEqual(['UNAUTHENTICATED']);
      expect((await run(read, { id: cooperationId })).codes).toEqual(['UNAUTHENTICATED']);
      const write = await run(`mutation($input: RecordDeliverableInput!) { recordDeliverable(input: $input) { version } }`, {
        input: { cooperationId, kind: 'NOTE_DE_SYNTHESE', title: 'Note' },
      });
      expect(write.codes).toEqual(['UNAUTHENTICATED']);
      expect((await run(COOP_QUERY, { id: cooperationId })).codes).toEqual(['UNAUTHENTICATED']);
      const after = (await gql<{ cooperation: { version: number } }>(`query($id: ID!) { cooperation(id: $id) { version } }`, { id: cooperationId }, await actors.admin())).data!
        .cooperation.version;
      expect(after).toBe(before);
      expect(connections).toBe(1);
    } finally {
      await client.dispose();
    }
  });

  it('refuses the connection of a subscriber whose token is invalid (4403 Forbidden)', async () => {
    const intruder = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: 'Bearer mlg_not-a-real-token' },
    });
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        intruder.subscribe({ query: REGION_QUERY, variables: { region: '11' } }, { next: () => resolve('delivered'), error: resolve, complete: () => resolve('completed') });
      });
      expect(outcome).toMatchObject({ code: 4403, reason: 'Forbidden' });
    } finally {
      await intruder.dispose();
    }
  });

  it('rejects an unknown région with BAD_USER_INPUT', async () => {
    const sub = subscribe<Activity>(REGION_QUERY, { region: '999' });
    await until(() => sub.errors.length > 0 || sub.isCompleted(), 'the answer');
    expect(JSON.stringify(sub.errors)).toContain('BAD_USER_INPUT');
    expect(feed.subscriberCount).toBe(0);
  });

  it('answers bad input over WebSocket with the codes HTTP gives, and keeps the socket open', async () => {
    const answer = async (query: string, variables: Record<string, unknown>) => {
      const sub = subscribe<Activity>(query, variables);
      await until(() => sub.errors.length > 0 || sub.isCompleted(), 'the answer');
      return JSON.stringify(sub.errors);
    };
    // A value the schema refuses: BAD_USER_INPUT, not a masked internal error.
    expect(await answer(COOP_QUERY, { id: [['x']] })).toContain('"code":"BAD_USER_INPUT"');
    expect(await answer(COOP_QUERY, { id: 'coop\u0000' })).toContain("le caractère nul (U+0000) n'est pas accepté");
    // 5,000 nested lists overflowed graphql-ws's parser and closed the socket with the RangeError.
    const deep = await answer(`subscription { cooperationEvents(cooperationId: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { version } }`, {});
    expect(deep).toContain('GRAPHQL_PARSE_FAILED');
    expect(deep).not.toMatch(/RangeError|Maximum call stack/);
    // The same socket still serves.
    expect(await answer(REGION_QUERY, { region: '999' })).toContain('BAD_USER_INPUT');
    expect(feed.subscriberCount).toBe(0);
  });

  it('answers a document it cannot parse, or that the HTTP limits refuse, with an error for that subscription, and keeps the socket open', async () => {
    // A subscription held open meanwhile keeps the (lazy) client's socket: any close is the server's.
    const held = subscribe<Activity>(REGION_QUERY, { region: '11' });
    await held.ready();
    let closes = 0;
    const stopCounting = ws.on('closed', () => closes++);
    const answer = async (query: string) => {
      const sub = subscribe<Activity>(query, {});
      await until(() => sub.errors.length > 0 || sub.isCompleted(), 'the answer');
      const [errors] = sub.errors;
      if (errors === undefined) return ['ran'];
      // An array of GraphQL errors, or the CloseEvent of a socket closed by the server.
      return Array.isArray(errors) ? (errors as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code) : [`socket closed: ${(errors as { code?: number }).code}`];
    };
    /** What HTTP answers to the same document (a query: Apollo runs no subscription over HTTP). */
    const overHttp = async (query: string) => ((await gql(query)).errors ?? []).map((e) => e.extensions?.code);
    try {
      // A syntax error closed the socket with 4500.
      expect(await answer(`subscription { regionalActivity(region: "11") { version }`)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(await answer(`subscription { regionalActivity(region: "11") { versio } }`)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      // graphql-armor's limits held over HTTP only: each of these ran over graphql-ws.
      const aliases = `{ ${Array.from({ length: ARMOR_LIMITS.maxAliases + 5 }, (_, i) => `h${i}: health { status }`).join(' ')} }`;
      let nested = 'name';
      for (let i = 0; i < ARMOR_LIMITS.maxDepth; i++) nested = `ofType { ${nested} }`;
      const deep = `{ __schema { types { fields { type { ${nested} } } } } }`;
      const costly = `{ cooperations(first: 100000) { edges { node { id name } } } }`;
      const tokens = `{ health { ${'status '.repeat(ARMOR_LIMITS.maxTokens)} } }`;
      for (const [document, code] of [
        [aliases, 'GRAPHQL_VALIDATION_FAILED'],
        [deep, 'GRAPHQL_VALIDATION_FAILED'],
        [costly, 'GRAPHQL_VALIDATION_FAILED'],
        [tokens, 'GRAPHQL_PARSE_FAILED'],
      ]) {
        const http = await overHttp(document);
        expect({ document: document.slice(0, 40), http: http[0] }).toEqual({ document: document.slice(0, 40), http: code });
        expect({ document: document.slice(0, 40), ws: await answer(document) }).toEqual({ document: document.slice(0, 40), ws: http });
      }
      const aliasedSubscription = `subscription { regionalActivity(region: "11") { ${Array.from({ length: ARMOR_LIMITS.maxAliases + 5 }, (_, i) => `v${i}: version`).join(' ')} } }`;
      expect(await answer(aliasedSubscription)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      // The socket stayed open: the held subscription still runs.
      expect(closes).toBe(0);
      expect(held.errors).toEqual([]);
      expect(held.isCompleted()).toBe(false);
      expect(feed.subscriberCount).toBe(1);
    } finally {
      stopCounting();
      held.unsubscribe();
    }
    await until(() => feed.subscriberCount === 0, 'the subscription to be released');
  });

  it('ends open subscriptions and closes the sockets when the app closes', async () => {
    const sub = subscribe<Activity>(REGION_QUERY, { region: '11' });
    await sub.ready();
    await app.close();
    await until(() => sub.isCompleted() || sub.errors.length > 0, 'the subscription to end');
    expect(feed.subscriberCount).toBe(0);
    app = undefined as unknown as NestFastifyApplication; // closed already
  });
});
