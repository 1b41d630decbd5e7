import ExcelJS from 'exceljs';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { cooperationStatusLabelsFr, stageLabelsFr } from '@maillage/domain';
import { buildDemoPlan, seedDemo, type DemoPlan } from '@maillage/demo-data';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors, type Headers } from './support/actors';
import { DEMO_ACCOUNTS, DEMO_ACCOUNT_ORGANISATIONS, seedDemoAccounts } from '../src/auth/demo-accounts';
import { PG_POOL } from '../src/database/database.module';
import { executeDemoStep } from '../src/demo/demo-seed';
import type { Pool } from 'pg';

jest.setTimeout(180_000);

const NOW = new Date('2025-06-30T12:00:00.000Z');
const SYNTHETIC = 20;
const PETIT_PLUS = 'Collecte de cartons et cagettes de Plaine Commune';

/** RFC 4180 with ';' (quotes may hold separators and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

/** Rows as objects keyed by the French headers. */
const records = (rows: string[][]) =>
  rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));

/** Every cooperation stream of the plan with its expected end state, name and région. */
function planStreams(plan: DemoPlan) {
  return plan.cooperations.flatMap((c) =>
    Object.entries(c.expected).map(([id, expected]) => {
      const propose = c.steps.find((s) => s.aggregateId === id && s.command.type === 'ProposeCooperation');
      const renew = c.steps.find(
        (s) =>
          s.command.type === 'RenewCooperation' &&
          (s.command.data as { successorId: string }).successorId === id,
      );
      const grants = c.steps
        .filter((s) => s.aggregateId === id && s.command.type === 'GrantFunding')
        .map((s) => s.command.data as { amount: number; funder: { id: string } });
      // Funders solicited and not answered (the seed's grants each answer a request of theirs).
      const solicited = c.steps
        .filter((s) => s.aggregateId === id && s.command.type === 'RequestFunding')
        .map((s) => (s.command.data as { funder: { id: string } }).funder.id)
        .filter((funderId) => !grants.some((g) => g.funder.id === funderId));
      return { id, regionCode: c.regionCode, expected, proposedAt: (propose ?? renew)!.occurredAt, grants, solicited };
    }),
  );
}

const frDate = (iso: string) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris' }).format(new Date(iso));

describe('exports over HTTP (CSV and XLSX)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let plan: DemoPlan;
  let streams: ReturnType<typeof planStreams>;
  let actors: TestActors;
  /** Exports run as a platform operator unless a test says otherwise (scoped exports are tested below). */
  let admin: Headers;

  beforeAll(async () => {
    // Small pages, so that every export below crosses several keyset pages.
    process.env.MAILLAGE_EXPORT_PAGE_SIZE = '7';
    db = await createTestDatabase('exports');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/exports`;
    const bus = app.get(CommandBus);
    await seedDemo(executeDemoStep(bus), { synthetic: SYNTHETIC, now: NOW });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 60_000 });
    plan = buildDemoPlan({ synthetic: SYNTHETIC, now: NOW });
    streams = planStreams(plan);
    actors = TestActors.of(app);
    admin = await actors.admin();
  });

  afterAll(async () => {
    delete process.env.MAILLAGE_EXPORT_PAGE_SIZE;
    await app?.close();
    await db?.drop();
  });

  const get = async (path: string, headers: Headers = admin) => {
    const response = await fetch(`${base}/${path}`, { headers });
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  };
  const csv = async (path: string, headers: Headers = admin) => {
    const { response, body } = await get(path, headers);
    expect(response.status).toBe(200);
    expect(body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    return { response, rows: parseCsv(body.toString('utf8').slice(1)) };
  };
  const xlsx = async (path: string) => {
    const { response, body } = await get(path);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
    return { response, sheet: workbook.worksheets[0] };
  };
  const sheetRows = (sheet: ExcelJS.Worksheet) => {
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    return rows;
  };

  it('exports the cooperations of a région as CSV for French Excel', async () => {
    const { response, rows } = await csv('cooperations.csv?region=52');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="maillage-cooperations-pays-de-la-loire-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        'Nom',
        'Type de coopération',
        'Étape',
        'Statut',
        'Région',
        'Départements',
        'Structure porteuse',
        'Mandataire',
        'Membres',
        "Entrée dans l'étape",
        'Dernière activité',
        'Montant accordé (€)',
      ]),
    );
    const expected = streams.filter((s) => s.regionCode === '52');
    expect(expected.length).toBeGreaterThan(1);
    const exported = records(rows);
    expect(exported.map((r) => r.Identifiant).sort()).toEqual(expected.map((s) => s.id).sort());
    for (const s of expected) {
      const r = exported.find((x) => x.Identifiant === s.id)!;
      expect({
        id: s.id,
        stage: r['Étape'],
        status: r.Statut,
        region: r['Région'],
        proposed: r['Proposée le'],
      }).toEqual({
        id: s.id,
        stage: stageLabelsFr[s.expected.stage],
        status: cooperationStatusLabelsFr[s.expected.status],
        region: 'Pays de la Loire',
        proposed: frDate(s.proposedAt),
      });
      const granted = s.grants.reduce((a, g) => a + g.amount, 0);
      expect(Number(r['Montant accordé (€)'].replace(',', '.'))).toBe(granted);
    }
    // Newest proposal first, as in the GraphQL list.
    const dates = exported.map((r) => r['Proposée le'].split('/').reverse().join('-'));
    expect([...dates].sort().reverse()).toEqual(dates);

    const maineEtLoire = exported.find((r) => r.Nom.startsWith('Remplacements d’agents dans les collèges'))!;
    expect(maineEtLoire).toMatchObject({
      'Structure porteuse': 'Tremplin Travail',
      Mandataire: 'Tremplin Travail',
      'Nombre de membres': '14',
      Départements: 'Maine-et-Loire (49)',
    });
  });

  it('exports every cooperation across keyset pages, with the planned stage and status', async () => {
    const { rows } = await csv('cooperations.csv');
    const exported = records(rows);
    expect(exported).toHaveLength(streams.length);
    expect(new Set(exported.map((r) => r.Identifiant)).size).toBe(streams.length);
    for (const s of streams) {
      const r = exported.find((x) => x.Identifiant === s.id)!;
      expect([s.id, r['Étape'], r.Statut]).toEqual([
        s.id,
        stageLabelsFr[s.expected.stage],
        cooperationStatusLabelsFr[s.expected.status],
      ]);
    }
    const petitPlus = exported.find((r) => r.Nom === PETIT_PLUS)!;
    expect(petitPlus).toMatchObject({
      'Type de coopération': "Groupement momentané d'entreprises (GME)",
      Étape: 'Capitalisation',
      Statut: 'Clôturée',
      'Proposée le': '16/11/2015',
      "Entrée dans l'étape": '01/03/2022',
      'Clôturée ou abandonnée le': '31/03/2022',
      'Issue de la clôture': 'Marché ou contrat terminé',
      Mandataire: 'Le Petit Plus',
      'Nombre de membres': '5',
    });
  });

  it('exports the cooperations as XLSX with a styled, frozen, filtered header and typed cells', async () => {
    const { response, sheet } = await xlsx('cooperations.xlsx?region=11&kind=GME');
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toMatch(
      /filename="maillage-cooperations-ile-de-france-\d{4}-\d{2}-\d{2}\.xlsx"/,
    );
    expect(sheet.name).toBe('Coopérations');
    const rows = sheetRows(sheet);
    const headers = rows[0] as string[];
    expect(headers.slice(0, 4)).toEqual(['Identifiant', 'Nom', 'Type de coopération', 'Région']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getColumn(2).width).toBe(40);

    const expected = streams.filter(
      (s) => s.regionCode === '11' && plan.cooperations.find((c) => c.expected[s.id])!.kind === 'GME',
    );
    expect(rows.length - 1).toBe(expected.length);
    const col = (name: string) => headers.indexOf(name);
    const petitPlus = rows.find((r) => r[col('Nom')] === PETIT_PLUS)!;
    expect(petitPlus[col('Étape')]).toBe('Capitalisation');
    expect(petitPlus[col('Proposée le')]).toEqual(new Date(Date.UTC(2015, 10, 16)));
    expect(petitPlus[col("Entrée dans l'étape")]).toEqual(new Date(Date.UTC(2022, 2, 1)));
    const dateCell = sheet.getRow(rows.indexOf(petitPlus) + 1).getCell(col('Proposée le') + 1);
    expect(dateCell.numFmt).toBe('dd/mm/yyyy');
    for (const r of rows.slice(1)) {
      expect(typeof r[col('Montant accordé (€)')]).toBe('number');
      expect(typeof r[col('Nombre de membres')]).toBe('number');
    }
  });

  it('exports the stage history of a cooperation with French labels and dates, in both formats', async () => {
    const { rows } = await csv('stage-history.csv?region=11&departement=93');
    const visits = records(rows).filter((r) => r.Nom === PETIT_PLUS);
    expect(
      visits.map((v) => [v['Passage n°'], v['Étape'], v["Entrée dans l'étape"], v["Sortie de l'étape"]]),
    ).toEqual([
      ['1', 'Décision', '16/11/2015', '01/12/2015'],
      ['2', 'Faisabilité', '01/12/2015', '15/12/2015'],
      ['3', 'Lancement', '15/12/2015', '01/03/2016'],
      ['4', 'Fonctionnement', '01/03/2016', '01/03/2022'],
      ['5', 'Capitalisation', '01/03/2022', '31/03/2022'],
    ]);
    expect(visits[0]['Motif de l’entrée']).toBe('Coopération proposée');
    expect(visits[4]['Motif de la sortie']).toBe('Coopération clôturée');
    expect(visits[0]["Durée dans l'étape (jours)"]).toBe('15');

    const { sheet } = await xlsx('stage-history.xlsx?region=11&departement=93');
    const xrows = sheetRows(sheet);
    const headers = xrows[0] as string[];
    const petit = xrows.filter((r) => r[headers.indexOf('Nom')] === PETIT_PLUS);
    expect(petit.map((r) => r[headers.indexOf('Étape')])).toEqual([
      'Décision',
      'Faisabilité',
      'Lancement',
      'Fonctionnement',
      'Capitalisation',
    ]);
    expect(petit[3][headers.indexOf("Entrée dans l'étape")]).toEqual(new Date(Date.UTC(2016, 2, 1)));
    expect(petit[0][headers.indexOf("Durée dans l'étape (jours)")]).toBe(15);
    expect(xrows.length - 1).toBe(rows.length - 1);

    // stage filters the visits: only visits to LAUNCH.
    const launch = records((await csv('stage-history.csv?stage=LAUNCH')).rows);
    expect(launch.length).toBeGreaterThan(0);
    expect(new Set(launch.map((r) => r['Étape']))).toEqual(new Set(['Lancement']));
  });

  it('exports indicators against targets with their measurements', async () => {
    const { rows } = await csv('indicators.csv?region=11');
    const petit = records(rows).filter((r) => r.Nom === PETIT_PLUS);
    expect(petit).toHaveLength(1);
    expect(petit[0]).toMatchObject({
      'Code du critère': 'C1',
      'Indicateur standard IAE': 'Personnes en parcours d’insertion',
      Nature: 'Quantitatif',
      Cible: '14',
      'Début de période': '01/03/2016',
      'Fin de période': '28/02/2017',
      Valeur: '14',
      'Atteinte de la cible (%)': '100',
      'Mesure du': '01/03/2017',
    });
    const planned = plan.cooperations
      .filter((c) => c.regionCode === '11')
      .flatMap((c) => c.steps.filter((s) => s.command.type === 'RecordMeasurement')).length;
    const measured = records(rows).filter((r) => r['Début de période'] !== '').length;
    expect(measured).toBe(planned);

    const { sheet } = await xlsx('indicators.xlsx?region=52');
    const xrows = sheetRows(sheet);
    const headers = xrows[0] as string[];
    const qualitative = xrows.find(
      (r) => r[headers.indexOf('Valeur qualitative')] === 'Réponse collective à un marché public réussie',
    )!;
    expect(qualitative[headers.indexOf('Nature')]).toBe('Qualitatif');
    expect(qualitative[headers.indexOf('Début de période')]).toEqual(new Date(Date.UTC(2023, 0, 2)));
    for (const r of xrows.slice(1)) {
      const value = r[headers.indexOf('Valeur')];
      expect(value === null || value === undefined || typeof value === 'number').toBe(true);
    }
  });

  it('answers "as of" a date: only the cooperations that existed, in the stage they were in', async () => {
    const { rows, response } = await csv('cooperations.csv?region=11&asOf=2016-01-31');
    expect(response.headers.get('content-disposition')).toContain(
      'maillage-cooperations-ile-de-france-2016-01-31.csv',
    );
    const exported = records(rows);
    const existing = streams.filter(
      (s) => s.regionCode === '11' && s.proposedAt <= '2016-01-31T22:59:59.999Z',
    );
    expect(exported.map((r) => r.Identifiant).sort()).toEqual(existing.map((s) => s.id).sort());
    expect(exported.find((r) => r.Nom === PETIT_PLUS)).toMatchObject({
      Étape: 'Lancement',
      Statut: 'En cours',
      "Entrée dans l'étape": '15/12/2015',
      'Clôturée ou abandonnée le': '',
    });

    const history = records((await csv('stage-history.csv?region=11&asOf=2016-01-31')).rows).filter(
      (r) => r.Nom === PETIT_PLUS,
    );
    expect(history.map((v) => [v['Étape'], v["Sortie de l'étape"]])).toEqual([
      ['Décision', '01/12/2015'],
      ['Faisabilité', '15/12/2015'],
      ['Lancement', ''],
    ]);
  });

  it('answers an empty selection with a valid file holding only the headers', async () => {
    // Corse (94): no demo cooperation.
    const { rows } = await csv('cooperations.csv?region=94');
    expect(rows).toHaveLength(1);
    expect(rows[0][1]).toBe('Nom');
    for (const name of ['cooperations', 'stage-history', 'indicators']) {
      const { sheet } = await xlsx(`${name}.xlsx?region=94`);
      expect(sheetRows(sheet)).toHaveLength(1);
      expect(sheetRows(sheet)[0][0]).toBe('Identifiant');
      expect((await csv(`${name}.csv?funderId=nobody`)).rows).toHaveLength(1);
    }
  });

  it('rejects bad parameters with 400 BAD_USER_INPUT and a French message, never a stack trace', async () => {
    const cases: [string, RegExp][] = [
      ['cooperations.csv?region=99', /Code région INSEE inconnu/],
      ['cooperations.xlsx?region=11&departement=49', /n'appartient pas à la région/],
      ['cooperations.csv?departement=ZZ', /Code département INSEE inconnu/],
      ['stage-history.csv?kind=CONSORTIUM', /Valeur inconnue pour « kind »/],
      ['indicators.xlsx?stage=DONE', /Valeur inconnue pour « stage »/],
      ['cooperations.csv?status=NONE', /Valeur inconnue pour « status »/],
      ['cooperations.csv?asOf=2023-02-30', /n'existe pas/],
      // Date.parse rolled these over to 2 March and to the next day: they were accepted.
      ['cooperations.csv?asOf=2023-02-30T09:00:00Z', /n'existe pas/],
      ['cooperations.csv?asOf=2023-06-01T24:00:00%2B02:00', /n'existe pas/],
      ['cooperations.csv?asOf=hier', /AAAA-MM-JJ/],
      ['cooperations.csv?asOf=2999-01-01', /dans le futur/],
      // The same bounds as GraphQL's asOf (readAsOf): from the year 1000.
      ['cooperations.csv?asOf=0999-12-31', /hors limites/],
      ['cooperations.csv?regoin=11', /Paramètre inconnu : « regoin »/],
      ['cooperations.csv?region=11&region=52', /une seule fois/],
      ['cooperations.csv?funderId=%27%3B%20drop%20table', /Identifiant de financeur invalide/],
    ];
    for (const [path, message] of cases) {
      const { response, body } = await get(path);
      const json = JSON.parse(body.toString('utf8')) as { code: string; message: string };
      expect({ path, status: response.status, code: json.code }).toEqual({
        path,
        status: 400,
        code: 'BAD_USER_INPUT',
      });
      expect(json.message).toMatch(message);
      expect(body.toString('utf8')).not.toMatch(/stack|at \/|node_modules|select /i);
    }
    // Before the year 2000 (refused by the exports alone until they shared GraphQL's rule).
    expect((await get('cooperations.csv?asOf=1999-12-31')).response.status).toBe(200);
    const unknown = await get('cooperations.pdf');
    expect(unknown.response.status).toBe(404);
  });

  it('holds each caller to what it may read: a network to its régions, a funder to what it funds or was asked to fund, a member to its own', async () => {
    // A network of Pays de la Loire: its région in full, and nothing of the others (the whole
    // export is limited to its région; asking for another région answers 404 as if it were empty of rights).
    const network = await actors.network(['52']);
    const all = records((await csv('cooperations.csv', network)).rows);
    const inRegion = streams.filter((s) => s.regionCode === '52').map((s) => s.id).sort();
    expect(all.map((r) => r.Identifiant).sort()).toEqual(inRegion);
    const other = await get('cooperations.csv?region=11', network);
    expect(other.response.status).toBe(404);
    expect(JSON.parse(other.body.toString('utf8'))).toEqual({ code: 'NOT_FOUND', message: expect.any(String) as string });

    // A funder: exactly the cooperations it granted money to, and the active ones that asked it for
    // money and have no answer yet, whatever the filter asks.
    const funderId = streams.flatMap((s) => s.grants.map((g) => g.funder.id))[0];
    const isFunded = (s: (typeof streams)[number]) => s.grants.some((g) => g.funder.id === funderId);
    const isSolicited = (s: (typeof streams)[number]) => s.expected.status === 'ACTIVE' && s.solicited.includes(funderId);
    const funded = streams.filter((s) => isFunded(s) || isSolicited(s)).map((s) => s.id).sort();
    expect(streams.filter(isFunded).length).toBeGreaterThan(0);
    const funder = await actors.funder(funderId);
    expect(records((await csv('cooperations.csv', funder)).rows).map((r) => r.Identifiant).sort()).toEqual(funded);
    expect(records((await csv('stage-history.csv', funder)).rows).every((r) => funded.includes(r.Identifiant))).toBe(true);

    // A member structure: the cooperations it belongs to, and no others.
    const tremplin = await actors.member(plan.organisations.find((o) => o.name === 'Tremplin Travail')!.id);
    const own = records((await csv('cooperations.csv', tremplin)).rows);
    expect(own.length).toBeGreaterThan(0);
    for (const r of own) expect(r.Membres).toContain('Tremplin Travail');
  });

  it('refuses anonymous and invalid tokens with 401 UNAUTHENTICATED before reading anything', async () => {
    for (const headers of [{}, { authorization: 'Bearer mlg_not-a-token' }] as Headers[]) {
      const { response, body } = await get('cooperations.csv?region=11', headers);
      expect(response.status).toBe(401);
      expect(JSON.parse(body.toString('utf8'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('gives each demo account of the README a useful, correctly scoped view of the demo', async () => {
    await seedDemoAccounts(app.get<Pool>(PG_POOL));
    const graphql = async <T>(query: string, token?: string): Promise<T> => {
      const response = await fetch(base.replace(/\/exports$/, '/graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { data: T; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const tokens: Record<string, string> = {};
    for (const account of DEMO_ACCOUNTS) {
      const r = await graphql<{ login: { accessToken: string } }>(`mutation { login(email: "${account.email}", password: "${account.password}") { accessToken } }`);
      tokens[account.email] = r.login.accessToken;
    }
    const listed = async (email: string) =>
      (await graphql<{ cooperations: { edges: { node: { id: string; regionCode: string } }[] } }>(`{ cooperations(first: 100) { edges { node { id regionCode } } } }`, tokens[email])).cooperations.edges.map((e) => e.node);
    // The network of Île-de-France sees its région, and only it.
    const grafie = await listed('grafie@demo.maillage.fr');
    expect(grafie.length).toBeGreaterThan(5);
    expect(new Set(grafie.map((c) => c.regionCode))).toEqual(new Set(['11']));
    // Each member structure sees its own cooperations (at least the real one of the sources).
    for (const [email, organisation] of [
      ['tremplin@demo.maillage.fr', DEMO_ACCOUNT_ORGANISATIONS.tremplinTravail],
      ['petitplus@demo.maillage.fr', DEMO_ACCOUNT_ORGANISATIONS.lePetitPlus],
    ] as const) {
      const own = await listed(email);
      expect({ email, count: own.length > 0 }).toEqual({ email, count: true });
      const { rows } = await app.get<Pool>(PG_POOL).query<{ id: string }>(
        `select s.id from cooperation_summary s where exists (select 1 from jsonb_array_elements(s.members) m where m->>'organisationId' = $1)`,
        [organisation],
      );
      expect(own.map((c) => c.id).sort()).toEqual(rows.map((r) => r.id).sort());
    }
    // The Conseil régional follows what it funds.
    const portfolio = await graphql<{ funderPortfolio: { totals: { cooperations: number; granted: number } } }>(
      `{ funderPortfolio(funderId: "${DEMO_ACCOUNT_ORGANISATIONS.conseilRegionalIdf}") { totals { cooperations granted } } }`,
      tokens['region-idf@demo.maillage.fr'],
    );
    expect(portfolio.funderPortfolio.totals.cooperations).toBeGreaterThan(0);
    expect(portfolio.funderPortfolio.totals.granted).toBeGreaterThan(0);
  });
});
