/**
 * What a black-box probe of the console found, in a real browser (Debian's Chromium through
 * playwright-core) against the real API: “Clôturer” offers only the outcomes the domain accepts at
 * the stage; the reopen, abandon and close forms each keep their own text; a lost market asks before
 * closing and says the cooperation is closed; the creation notice is said once; the waiver says why
 * it is not sent; “Afficher plus” asks one page at a time; no page scrolls sideways at 375 px; the
 * dashboard says what its département chart counts, gives the insertion figures' units with the
 * latest year first and keeps its date in the address; the portfolio says its date; the indicator
 * chart's “Objectif” is whole.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import { closeOutcomeLabelsFr, standardIndicatorLabelsFr } from '@maillage/domain';
import { BrowserTestbed, buildConsole, checkA11y, mutationsSent, recorded, shot } from './browser-support';

jest.setTimeout(240_000);

const MEMBER = 'membre@sonde.test';
const NETWORK = 'reseau@sonde.test';
const FUNDER = 'financeur@sonde.test';
const ADMIN = 'admin@sonde.test';

describe('console fixes from the probe, in Chromium', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  let memberHeaders: Record<string, string>;
  let funderHeaders: Record<string, string>;
  let adminHeaders: Record<string, string>;
  /** Built into a folder of this file's own (another browser file may be rebuilding dist/console). */
  const consoleDir = process.env.PROBE_FIXES_CONSOLE_DIR ?? mkdtempSync(path.join(tmpdir(), 'maillage-console-probe-'));
  const org = { tremplin: randomUUID(), petitPlus: randomUUID(), grafie: randomUUID(), region: randomUUID() };

  beforeAll(async () => {
    if (!process.env.PROBE_FIXES_CONSOLE_DIR) buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_probe_fixes', { consoleDir }));
    adminHeaders = await testbed.createUser({ email: ADMIN, name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    const register = (organisationId: string, name: string, kind: string, departementCode: string) =>
      testbed.registerOrganisation(adminHeaders, { organisationId, name, kind, regionCode: '11', departementCode });
    await register(org.tremplin, 'Tremplin Travail', 'AI', '93');
    await register(org.petitPlus, 'Le Petit Plus', 'EA', '92');
    await register(org.grafie, 'GRAFIE', 'NETWORK', '75');
    await register(org.region, "Conseil régional d'Île-de-France", 'FUNDER', '75');
    memberHeaders = await testbed.createUser({ email: MEMBER, name: 'Camille Tremplin', role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    await testbed.createUser({ email: NETWORK, name: 'Chargée de mission GRAFIE', role: 'NETWORK', organisationId: org.grafie, regions: ['11'] });
    funderHeaders = await testbed.createUser({ email: FUNDER, name: 'Service ESS Région', role: 'FUNDER', organisationId: org.region, regions: [] });
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    if (!process.env.PROBE_FIXES_CONSOLE_DIR) rmSync(consoleDir, { recursive: true, force: true });
  });

  const send = async (mutation: string, input: Record<string, unknown>, headers = memberHeaders) => {
    const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
    const r = await gql(`mutation($input: ${type}!) { ${mutation}(input: $input) { version } }`, { input }, headers);
    expect(r.errors).toBeUndefined();
  };
  /** A cooperation proposed by Tremplin Travail (in Seine-Saint-Denis and the Hauts-de-Seine). */
  const propose = async (kind: string, name: string, occurredAt?: string) => {
    const id = randomUUID();
    await send('proposeCooperation', {
      cooperationId: id,
      kind,
      name,
      objectives: ['POOLING'],
      territory: { regionCode: '11', departementCodes: ['93', '92'] },
      leadOrganisationId: org.tremplin,
      ...(occurredAt ? { occurredAt } : {}),
    });
    return id;
  };
  type Gate = { stage: string; gate: { items: { id: string; status: string; advisory: boolean; deliverableKinds: string[] }[] } };
  const gateOf = async (id: string) => {
    const r = await gql<{ cooperation: Gate }>(`query($id: ID!) { cooperation(id: $id) { stage gate { items { id status advisory deliverableKinds } } } }`, { id }, adminHeaders);
    expect(r.errors).toBeUndefined();
    return r.data!.cooperation;
  };
  /** Brings a cooperation to `stage`: each missing item met by Le Petit Plus joining, its first deliverable, or waived. */
  const advanceByApi = async (id: string, stage: string) => {
    for (let coop = await gateOf(id); coop.stage !== stage; coop = await gateOf(id)) {
      for (const item of coop.gate.items.filter((i) => i.status === 'MISSING' && !i.advisory)) {
        if (item.id === 'two-members') await send('addMember', { cooperationId: id, organisationId: org.petitPlus });
        else if (item.deliverableKinds.length) await send('recordDeliverable', { cooperationId: id, kind: item.deliverableKinds[0] });
        else await send('waiveGateItem', { cooperationId: id, itemId: item.id, justification: 'Point examiné en comité de pilotage.' });
      }
      await send('advanceStage', { cooperationId: id });
    }
  };
  const memberPage = async (width = 1280) => {
    const { page } = await testbed.newPage({ width, height: 900 });
    await testbed.signIn(page, MEMBER);
    return page;
  };
  const optionsOf = (page: Page, selector: string) => page.locator(`${selector} option`).allTextContents();

  it('“Clôturer” is unavailable before “Fonctionnement”, saying why; then it offers only the outcomes the domain accepts at the stage, never « Marché perdu »', async () => {
    const early = await propose('GIE', 'GIE Services partagés de Montreuil');
    const running = await propose('GIE', 'GIE Achats groupés de Bagnolet');
    await advanceByApi(running, 'OPERATION');
    const page = await memberPage();
    await page.goto(`${base}/cooperations/${early}`);
    const close = page.locator('#close');
    await close.waitFor();
    // As “Passer à l’étape”: focusable, aria-disabled, with its reason as description; nothing opens.
    await expect(close.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.locator('#close-reason').textContent()).resolves.toBe('La clôture est possible à partir de l’étape « Fonctionnement » ; avant, abandonnez la coopération.');
    await close.click({ force: true });
    await expect(page.locator('#close-outcome').count()).resolves.toBe(0);

    await page.goto(`${base}/cooperations/${running}`);
    await page.getByTestId('stage-label').getByText('Étape : Fonctionnement').waitFor();
    await expect(page.locator('#close').getAttribute('aria-disabled')).resolves.toBeNull();
    await page.locator('#close').click();
    await expect(optionsOf(page, '#close-outcome')).resolves.toEqual(['Choisir une issue', closeOutcomeLabelsFr.CONTRACT_ENDED, closeOutcomeLabelsFr.DISSOLVED]);
    await expect(page.locator('#close-outcome-aide').textContent()).resolves.toBe(`« ${closeOutcomeLabelsFr.COMPLETED} » se choisit à l’étape « Capitalisation ».`);
    await checkA11y(page, 'cloture-issues', { strict: true });

    // At CAPITALISATION, « menée à terme » too.
    await advanceByApi(running, 'CAPITALISATION');
    await page.reload();
    await page.getByTestId('stage-label').getByText('Étape : Capitalisation').waitFor();
    await page.locator('#close').click();
    await expect(optionsOf(page, '#close-outcome')).resolves.toEqual(['Choisir une issue', closeOutcomeLabelsFr.COMPLETED, closeOutcomeLabelsFr.CONTRACT_ENDED, closeOutcomeLabelsFr.DISSOLVED]);
    // Every outcome offered is accepted: the contract ended, the cooperation is closed, in green.
    await page.getByLabel('Issue', { exact: true }).selectOption('CONTRACT_ENDED');
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer la clôture' }).click());
    await page.getByTestId('closed-notice').getByText(`Clôturée : ${closeOutcomeLabelsFr.CONTRACT_ENDED}`).waitFor();
    await expect(page.locator('.meta .badge', { hasText: 'Clôturée' }).getAttribute('class')).resolves.toBe('badge badge--ok');
  });

  it('going back, abandoning and closing each start with an empty text and keep their own', async () => {
    const id = await propose('GIE', 'GIE Restauration collective de Pantin');
    await advanceByApi(id, 'OPERATION');
    const page = await memberPage();
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('stage-label').getByText('Étape : Fonctionnement').waitFor();
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    const reopen = page.getByLabel('Pourquoi revenir à « Lancement » ?');
    await reopen.fill('Le local prévu n’est plus disponible.');
    await page.getByRole('button', { name: 'Abandonner' }).click();
    const abandon = page.getByLabel('Précisions (facultatif)');
    await expect(abandon.inputValue()).resolves.toBe('');
    await abandon.fill('Les deux associations fusionnent.');
    await page.getByRole('button', { name: 'Clôturer' }).click();
    const comment = page.getByLabel('Commentaire (facultatif)');
    await expect(comment.inputValue()).resolves.toBe('');
    await comment.fill('Le contrat de la cuisine centrale prend fin.');
    // Back to each form: its own text, as typed.
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    await expect(reopen.inputValue()).resolves.toBe('Le local prévu n’est plus disponible.');
    await page.getByRole('button', { name: 'Abandonner' }).click();
    await expect(abandon.inputValue()).resolves.toBe('Les deux associations fusionnent.');
    await page.getByRole('button', { name: 'Clôturer' }).click();
    await expect(comment.inputValue()).resolves.toBe('Le contrat de la cuisine centrale prend fin.');
    // Going back sends its own reason, not another form's text.
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer le retour' }).click());
    const r = await gql<{ history: { label: string; details: string }[] }>(`query($id: ID!) { history(cooperationId: $id) { label details } }`, { id }, adminHeaders);
    expect(r.errors).toBeUndefined();
    expect(r.data!.history.at(-1)!.details).toContain('Le local prévu n’est plus disponible.');
  });

  it('a lost market asks first, then says the cooperation is closed (warning badge); the creation notice is said once and leaves the address; an amount of 0 is “Non renseigné”', async () => {
    const id = await propose('GME', 'Espaces verts du Parc du Petit Leroy 2023');
    await send('addMember', { cooperationId: id, organisationId: org.petitPlus });
    await send('recordMarket', { cooperationId: id, buyerName: 'Ville de Gennevilliers', procedures: ['PRIVATE_CONTRACT'], amountExclVat: 0, durationMonths: 12 });
    // The region funds the answer to the tender (its portfolio shows the outcome below).
    await send('requestFunding', { cooperationId: id, funderOrganisationId: org.region, programme: 'Réponse aux marchés' });
    await send('grantFunding', { cooperationId: id, funderOrganisationId: org.region, programme: 'Réponse aux marchés', amount: 3000, period: { start: '2026-01-01' } }, funderHeaders);
    const page = await memberPage();
    const sent = mutationsSent(page);
    await page.goto(`${base}/cooperations/${id}?creee=1`);
    const created = page.getByText('La coopération a été créée. Complétez maintenant ses membres et les points de passage de l’étape « Décision ».');
    await created.waitFor();
    await page.waitForFunction(() => !window.location.search.includes('creee'));
    expect(new URL(page.url()).search).toBe('');
    await expect(page.getByTestId('market').locator('.summary__row', { hasText: 'Montant' }).locator('dd').textContent()).resolves.toBe('Non renseigné');
    // No creation notice when the page is opened again (reload, back, a link).
    await page.reload();
    await page.getByTestId('market').waitFor();
    await expect(created.count()).resolves.toBe(0);
    await page.goto(`${base}/cooperations/${id}?creee=1`);
    await created.waitFor();

    await page.getByLabel('Issue du marché', { exact: true }).selectOption('LOST');
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click();
    const dialog = page.getByRole('dialog', { name: 'Marché perdu : clôturer la coopération ?' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(`clôt « Espaces verts du Parc du Petit Leroy 2023 » avec l’issue « ${closeOutcomeLabelsFr.TENDER_LOST} »`);
    await checkA11y(page, 'marche-perdu-confirmation', { strict: true });
    // Cancelled: nothing sent, the focus back on the outcome.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'm-outcome');
    expect(sent).toEqual([]);
    await page.getByRole('button', { name: 'Enregistrer l’issue' }).click();
    await recorded(page, () => dialog.getByRole('button', { name: 'Enregistrer le marché perdu et clôturer' }).click());
    expect(sent).toEqual(['RecordMarketOutcome']);
    await page.getByTestId('announce-polite').getByText(`Marché perdu enregistré : la coopération est clôturée (issue « ${closeOutcomeLabelsFr.TENDER_LOST} »).`).waitFor();
    await page.getByTestId('closed-notice').getByText(`Clôturée : ${closeOutcomeLabelsFr.TENDER_LOST}`).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'cloture-statut');
    await expect(created.count()).resolves.toBe(0);
    // Not a success: a warning badge, not the green one.
    await expect(page.locator('.meta .badge', { hasText: 'Clôturée' }).getAttribute('class')).resolves.toBe('badge badge--warn');
    await shot(page, 'sonde-marche-perdu');
    // The list reads the outcome too (it showed every closed cooperation in grey).
    await testbed.catchUp();
    await page.goto(`${base}/cooperations?statut=CLOSED`);
    const row = page.getByTestId('cooperation-list').locator('tr').filter({ has: page.locator(`a[href="/cooperations/${id}"]`) });
    await expect(row.locator('.badge').getAttribute('class')).resolves.toBe('badge badge--warn');
    // So does the funder's portfolio, which said « Clôturée » in grey whatever the outcome.
    const { page: funder } = await testbed.newPage();
    await testbed.signIn(funder, FUNDER);
    const badge = funder.locator(`#coop-${id} .meta .badge`, { hasText: 'Clôturée' });
    await expect(badge.textContent()).resolves.toBe('Clôturée : marché perdu');
    await expect(badge.getAttribute('class')).resolves.toBe('badge badge--warn');
  });

  it('the waiver says why it is not granted under 10 characters (at the field, focused), instead of a button silently disabled', async () => {
    const id = await propose('PTCE', 'Pôle territorial de Saint-Ouen');
    const page = await memberPage();
    const sent = mutationsSent(page);
    await page.goto(`${base}/cooperations/${id}`);
    const open = page.getByRole('button', { name: /^Accorder une dérogation/ }).first();
    await open.click();
    const field = page.getByLabel('Justification de la dérogation');
    const grant = page.getByRole('button', { name: 'Accorder la dérogation' });
    await expect(grant.isDisabled()).resolves.toBe(false);
    await field.fill('Trop tôt');
    await grant.click();
    await page.getByTestId('waive-erreur').getByText('La justification compte au moins 10 caractères (8 pour l’instant).').waitFor();
    await page.waitForFunction(() => document.activeElement?.id.startsWith('waive-') && document.activeElement.tagName === 'TEXTAREA');
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(sent).toEqual([]);
    await checkA11y(page, 'derogation-trop-courte', { strict: true });
    await field.fill('Le pôle s’appuie sur la charte signée en 2024.');
    await recorded(page, () => grant.click());
    expect(sent).toEqual(['WaiveGateItem']);
  });

  it('“Afficher plus de coopérations” asks one page at a time (a double click loads it once) and says it is loading', async () => {
    // 55 cooperations of the member: two pages of 50.
    for (let i = 1; i <= 52; i += 4) await Promise.all([0, 1, 2, 3].map((k) => propose('GIE', `Groupement de la liste n° ${i + k}`)));
    await testbed.catchUp();
    const page = await memberPage();
    const pages: string[] = [];
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string; variables?: { after?: string } } | null;
      if (body?.operationName === 'Cooperations' && body.variables?.after) {
        pages.push(body.variables.after);
        // Slow enough for a second click, and for the button to be seen loading.
        await new Promise((resolve) => setTimeout(resolve, 800));
      }
      await route.continue();
    });
    await page.goto(`${base}/cooperations`);
    const rows = page.getByTestId('cooperation-list').locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="cooperation-list"] tbody tr').length === 50);
    await page.getByRole('button', { name: 'Afficher plus de coopérations' }).dblclick();
    const more = page.getByTestId('load-more');
    await expect(more.textContent()).resolves.toBe('Chargement des coopérations suivantes…');
    await expect(more.getAttribute('aria-disabled')).resolves.toBe('true');
    // A third click while it loads (aria-disabled keeps the focus on it): nothing more is asked.
    await more.click({ force: true });
    await more.waitFor({ state: 'detached' });
    const names = await rows.locator('th').allTextContents();
    expect(pages).toHaveLength(1);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(52);
    await expect(page.getByTestId('cooperation-count').textContent()).resolves.toBe(`${names.length} coopérations affichées`);
  });

  /** The page's width beyond the screen's (0: no sideways scroll), and the elements that stick out, outside boxes that scroll. */
  const sideways = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className}` : ''}`;
      const inScrollBox = (el: Element) => Boolean(el.parentElement?.closest('.table-wrap'));
      const elements = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !inScrollBox(el) && getComputedStyle(el).position !== 'fixed')
        .map((el) => `${name(el)} ${Math.round(el.getBoundingClientRect().right)}`);
      // Text running out of its box (a long word) widens the page too (hidden text is clipped to its 1 px).
      const texts: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const parent = node.parentElement;
        if (parent && range.getBoundingClientRect().right > width + 1 && !parent.closest('.table-wrap, .visually-hidden')) texts.push(`${name(parent)} “${node.textContent!.slice(0, 30)}”`);
      }
      const out = [...elements, ...texts].slice(0, 6);
      return { extra: document.documentElement.scrollWidth - width, out };
    });

  it('at 375 px wide, no page scrolls sideways: lists, the cooperation page with its forms open, the account, the directory, the dashboard and the portfolio', async () => {
    const id = await propose('GIE', 'Groupement des recycleries et ressourceries de la Plaine Commune et du Grand Paris Nord-Est');
    await send('defineIndicator', {
      cooperationId: id,
      code: 'C1',
      label: 'Économies réalisées par la mutualisation des coûts',
      indicators: [{ indicatorId: randomUUID(), code: 'C1-I1', label: 'Économies réalisées par la mutualisation des coûts', nature: 'QUANTITATIVE', unit: 'EUR', standard: 'POOLING_COST_SAVINGS', target: '15000' }],
    });
    // A funder grants only where a member solicited it (or where it funds already).
    await send('requestFunding', { cooperationId: id, funderOrganisationId: org.region, programme: 'Fonds régional pour l’économie sociale et solidaire', amount: 20000 });
    await send('grantFunding', { cooperationId: id, funderOrganisationId: org.region, programme: 'Fonds régional pour l’économie sociale et solidaire', amount: 20000, period: { start: '2026-01-01' } }, funderHeaders);
    await testbed.catchUp();
    const check = async (page: Page, name: string) => {
      await page.waitForLoadState('networkidle');
      await expect(sideways(page).then((s) => ({ page: name, ...s }))).resolves.toEqual({ page: name, extra: 0, out: [] });
    };

    const member = await memberPage(375);
    await member.goto(`${base}/cooperations`);
    await member.getByTestId('cooperation-list').waitFor();
    await check(member, '/cooperations');
    await member.goto(`${base}/cooperations/${id}`);
    await member.getByTestId('deliverable-form').waitFor();
    await member.getByText('Définir un indicateur ou enregistrer une mesure').click();
    await member.locator('#mes-indicator').selectOption({ index: 1 });
    await member.getByRole('button', { name: 'Solliciter un financeur', exact: true }).click();
    await member.getByTestId('request-form').waitFor();
    await shot(member, 'sonde-375-cooperation');
    await check(member, 'coopération');
    await member.goto(`${base}/mon-compte`);
    await member.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
    await check(member, '/mon-compte');
    await member.goto(`${base}/statistiques`);
    await member.getByTestId('dashboard').waitFor();
    await check(member, '/statistiques');

    for (const [who, paths] of [
      [ADMIN, ['/administration/organisations', '/administration/comptes']],
      [NETWORK, ['/reseau', '/cooperations?statut=ACTIVE']],
      [FUNDER, ['/financeur']],
    ] as const) {
      const { page } = await testbed.newPage({ width: 375, height: 800 });
      await testbed.signIn(page, who);
      for (const p of paths) {
        await page.goto(`${base}${p}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.locator('table').first().waitFor();
        await check(page, p);
      }
      await shot(page, `sonde-375-${paths[0].replace(/\W+/g, '-')}`);
    }
  });

  it('dashboard: the département chart says it counts cooperations in progress, each in every département it covers; insertion totals with their units, latest year first; its date kept in the address', async () => {
    const id = await propose('GIE', 'GIE Chantiers d’insertion du Val-de-Marne', '2022-01-10T09:00:00Z');
    const define = (standard: string, unit: string, label: string) => {
      const indicatorId = randomUUID();
      return send('defineIndicator', { cooperationId: id, code: `C-${standard.slice(0, 8)}`, label, indicators: [{ indicatorId, code: `${standard.slice(0, 8)}-1`, label, nature: 'QUANTITATIVE', unit, standard }] }).then(() => indicatorId);
    };
    const turnover = await define('TURNOVER', 'EUR', 'Chiffre d’affaires');
    const hours = await define('SOCIAL_CLAUSE_HOURS', 'heures', 'Heures de clause sociale');
    for (const year of [2022, 2023, 2024, 2025]) {
      await send('recordMeasurement', { cooperationId: id, indicatorId: turnover, period: { start: `${year}-01-01`, end: `${year}-12-31` }, value: String(100000 + year) });
      await send('recordMeasurement', { cooperationId: id, indicatorId: hours, period: { start: `${year}-01-01`, end: `${year}-12-31` }, value: '350' });
    }
    await testbed.catchUp();
    const { page } = await testbed.newPage();
    await testbed.signIn(page, NETWORK);
    await page.getByTestId('dashboard').waitFor();
    const departements = page.locator('#departements');
    await expect(departements.locator('figcaption').textContent()).resolves.toMatch(
      /^Coopérations en cours par département, au .+ ; une coopération présente dans plusieurs départements compte dans chacun\.$/,
    );
    const insertion = page.getByTestId('insertion-table');
    const years = await insertion.locator('thead th').allTextContents();
    expect(years.slice(1, 5)).toEqual(['2025', '2024', '2023', '2022']);
    await expect(insertion.locator('caption').textContent()).resolves.toBe('Totaux par année, de la plus récente (2025) à la plus ancienne (2022)');
    const rowHeaders = await insertion.locator('tbody th').allTextContents();
    expect(rowHeaders.sort()).toEqual([`${standardIndicatorLabelsFr.TURNOVER} (€)`, `${standardIndicatorLabelsFr.SOCIAL_CLAUSE_HOURS} (h)`].sort());

    // The date chosen is in the address: a reload shows the dashboard at that date.
    await page.getByLabel('Situation au').fill('2025-06-30');
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('au') === '2025-06-30');
    await page.reload();
    await page.getByTestId('dashboard').waitFor();
    await expect(page.getByLabel('Situation au').inputValue()).resolves.toBe('2025-06-30');
    await page.getByText('Situation au 30 juin 2025 (pas de mise à jour en direct).').waitFor();
    await page.getByRole('button', { name: 'Revenir à aujourd’hui' }).click();
    await page.waitForFunction(() => window.location.search === '');
    await checkA11y(page, 'tableau-de-bord-sonde', { strict: true });
  });

  it('the portfolio says which date its figures are for, kept in the address like the dashboard’s', async () => {
    const id = await propose('GIE', 'GIE Mobilité solidaire de Nanterre');
    await send('requestFunding', { cooperationId: id, funderOrganisationId: org.region });
    await send('grantFunding', { cooperationId: id, funderOrganisationId: org.region, programme: 'Mobilité', amount: 5000, period: { start: '2026-01-01' } }, funderHeaders);
    await testbed.catchUp();
    const { page } = await testbed.newPage();
    await testbed.signIn(page, FUNDER);
    const date = page.getByTestId('portfolio-date');
    await expect(date.textContent()).resolves.toMatch(/^Chiffres d’aujourd’hui, \d{1,2}(er)? \S+ \d{4} \(rechargez la page pour actualiser\)\.$/);
    await page.goto(`${base}/financeur?au=2025-12-31`);
    await expect(date.textContent()).resolves.toBe('Chiffres au 31 décembre 2025.');
    await expect(page.getByLabel('Situation au').inputValue()).resolves.toBe('2025-12-31');
    await page.getByText('Aucune coopération financée à cette date.').waitFor();
  });

  it('the indicator chart shows its “Objectif” label whole, inside the chart', async () => {
    const id = await propose('GIE', 'GIE Emplois partagés de Clichy');
    const indicatorId = randomUUID();
    await send('defineIndicator', {
      cooperationId: id,
      code: 'C1',
      label: 'Personnes en insertion',
      indicators: [{ indicatorId, code: 'C1-I1', label: 'Personnes en insertion', nature: 'QUANTITATIVE', unit: 'personnes', standard: 'PEOPLE_IN_INSERTION', target: '40' }],
    });
    await send('recordMeasurement', { cooperationId: id, indicatorId, period: { start: '2026-01-01' }, value: '32' });
    await send('recordMeasurement', { cooperationId: id, indicatorId, period: { start: '2026-02-01' }, value: '45' });
    await send('recordMeasurement', { cooperationId: id, indicatorId, period: { start: '2026-03-01' }, value: '38' });
    const page = await memberPage();
    await page.goto(`${base}/cooperations/${id}`);
    const chart = page.locator('#indicateurs figure.chart [role="img"]');
    const label = chart.locator('text', { hasText: 'Objectif' });
    await label.waitFor();
    await expect(label.textContent()).resolves.toBe('Objectif');
    const [box, frame] = await Promise.all([label.boundingBox(), chart.boundingBox()]);
    expect(box!.x).toBeGreaterThanOrEqual(frame!.x);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frame!.x + frame!.width);
  });
});
