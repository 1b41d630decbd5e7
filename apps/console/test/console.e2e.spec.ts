/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real
 * API (createApp on a fresh embedded-PostgreSQL database), served by the API itself at `/`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Locator, Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import type { ProjectionRunner } from '@maillage/projections';
import { AuthService } from '../../api/src/auth/auth.service';
import { PROJECTION_RUNNER } from '../../api/src/projections/projections.module';
import { BrowserTestbed, PASSWORD, SHOTS, checkA11y as checkAxe, ensureConsoleBuilt, mutationsSent, recorded, versionOf, shot, type AxeSummary } from './browser-support';

jest.setTimeout(180_000);

describe('web console in Chromium', () => {
  const testbed = new BrowserTestbed();
  let app: NestFastifyApplication;
  let base: string;
  const axeResults: AxeSummary[] = [];
  const org = { tremplin: randomUUID(), petitPlus: randomUUID(), regie: randomUUID(), grafie: randomUUID(), region: randomUUID() };
  const email = { member: 'membre@console.test', petitPlus: 'petitplus@console.test', network: 'reseau@console.test', funder: 'financeur@console.test' };
  let gql: ReturnType<typeof graphqlClient>;
  let adminHeaders: Record<string, string>;
  let funderHeaders: Record<string, string>;
  let cooperationId = '';
  let essaimageId = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    ({ app, base, gql } = await testbed.start('console'));
    adminHeaders = await testbed.createUser({ email: 'admin@console.test', name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    const register = (organisationId: string, name: string, kind: string, departementCode: string) =>
      testbed.registerOrganisation(adminHeaders, { organisationId, name, kind, regionCode: '11', departementCode });
    await register(org.tremplin, 'Tremplin Travail', 'AI', '93');
    await register(org.petitPlus, 'Le Petit Plus', 'EA', '93');
    await register(org.regie, 'Régie de quartier de Stains', 'REGIE', '93');
    await register(org.grafie, 'GRAFIE', 'NETWORK', '75');
    await register(org.region, "Conseil régional d'Île-de-France", 'FUNDER', '75');
    await testbed.createUser({ email: email.member, name: 'Camille Tremplin', role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    await testbed.createUser({ email: email.petitPlus, name: 'Sam Petit Plus', role: 'MEMBER', organisationId: org.petitPlus, regions: [] });
    await testbed.createUser({ email: email.network, name: 'Chargée de mission GRAFIE', role: 'NETWORK', organisationId: org.grafie, regions: ['11'] });
    funderHeaders = await testbed.createUser({ email: email.funder, name: 'Service ESS Région', role: 'FUNDER', organisationId: org.region, regions: [] });
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    if (axeResults.length) console.log(`axe results: ${JSON.stringify(axeResults)}`);
  });

  const newPage = (width = 1280, height = 900) => testbed.newPage({ width, height, acceptDownloads: true });
  const signIn = (page: Page, who: string, password = PASSWORD) => testbed.signIn(page, who, password);

  /**
   * axe-core on the page: records every violation, fails on serious or critical ones (`strict`: on
   * any violation at all, for the pages added with the administration and funding screens).
   */
  const checkA11y = (page: Page, name: string, { strict = false } = {}) => checkAxe(page, name, { strict, record: axeResults });

  /** Waits until the focus is on the element described (by id, id prefix and tag, or button text). */
  const focusOn = (page: Page, what: string, target: { id?: string; idPrefix?: string; tag?: string; button?: string }) =>
    page
      .waitForFunction(
        (t) => {
          const el = document.activeElement;
          if (!el) return false;
          if (t.id) return el.id === t.id;
          if (t.idPrefix) return el.id.startsWith(t.idPrefix) && (!t.tag || el.tagName === t.tag);
          return el.tagName === 'BUTTON' && el.textContent === t.button;
        },
        target,
        { timeout: 5_000 },
      )
      .catch(async () => {
        throw new Error(`focus expected on ${what}, found ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
      });
  const deliverable = (page: Page, kind: string) =>
    recorded(page, async () => {
      await page.getByLabel('Livrable', { exact: true }).selectOption(kind);
      await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    });
  const advanceTo = async (page: Page, stageLabel: string) => {
    await page.getByTestId('gate-state').getByText('Tous les points obligatoires sont remplis').waitFor();
    await page.getByRole('button', { name: `Passer à l’étape « ${stageLabel} »` }).click();
    await page.getByTestId('stage-label').getByText(`Étape : ${stageLabel}`).waitFor();
  };

  it('serves the console with its security headers and falls back to index.html for client routes', async () => {
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    const deep = await fetch(`${base}/cooperations/${randomUUID()}`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
    // GraphQL keeps working, without the console's CSP.
    const health = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy')).toBeNull();
  });

  it('a member signs in, creates a GME with the wizard, adds members, designates the mandataire and brings it to LAUNCH while the network dashboard updates live', async () => {
    // The regional network watches its dashboard first (second browser context).
    const network = await newPage();
    await signIn(network.page, email.network);
    await network.page.getByRole('heading', { level: 1, name: 'Tableau de bord régional' }).waitFor();
    const activeKpi = network.page.getByTestId('kpi-active');
    await expect(activeKpi.textContent()).resolves.toBe('0');

    const { page, cspErrors } = await newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { level: 1, name: 'Connexion à Maillage' }).waitFor();
    await checkA11y(page, 'connexion');
    await shot(page, '01-connexion');
    await signIn(page, email.member);
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    await page.getByText('Votre structure ne participe encore à aucune coopération.').waitFor();
    await checkA11y(page, 'mes-cooperations-vide');

    // Wizard: only what a GME needs.
    await page.getByRole('link', { name: 'Nouvelle coopération' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Nouvelle coopération' }).waitFor();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByTestId('wizard-errors').getByText('Choisissez un type de coopération.').waitFor();
    await page.getByLabel("Groupement momentané d'entreprises (GME)").check();
    await checkA11y(page, 'assistant-type');
    await shot(page, '02-assistant-type');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Nom de la coopération').fill('Nettoyage des collèges de Seine-Saint-Denis');
    await page.getByLabel('Mutualisation de coûts et de moyens').check();
    await page.getByLabel('Propreté').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Région').selectOption('11');
    await page.getByLabel('Seine-Saint-Denis (93)').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Solidaire').check();
    await page.getByLabel('Le marché visé est déjà identifié').check();
    await page.getByLabel('Acheteur').fill('Département de la Seine-Saint-Denis');
    await page.getByLabel('Code CPV (8 chiffres)').fill('90919300');
    await page.getByLabel('Montant hors taxes (€)').fill('240000');
    await page.getByLabel('Durée (mois)').fill('24');
    await page.getByLabel('Marché réservé aux SIAE').check();
    // Le Petit Plus (an EA) joins below: a market reserved to SIAE alone would not admit it (seed 000).
    await page.getByLabel('Marché réservé aux EA et ESAT').check();
    await checkA11y(page, 'assistant-precisions');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await expect(page.getByTestId('wizard-summary').textContent()).resolves.toMatch(/240\s000\s€ HT, 24 mois/);
    await page.getByRole('button', { name: 'Créer la coopération' }).click();

    await page.getByTestId('cooperation-page').waitFor();
    cooperationId = page.url().split('/cooperations/')[1].split('?')[0];
    await expect(page.getByTestId('stage-label').textContent()).resolves.toBe('Étape : Décision');
    // The network's count moved without any reload of its page.
    await network.page.waitForFunction(() => document.querySelector('[data-testid="kpi-active"]')?.textContent === '1', null, { timeout: 20_000 });

    // Members, found by name in the organisation directory (never by id), then the mandataire.
    const search = page.getByRole('combobox', { name: 'Structure à ajouter' });
    // Keyboard: type part of the name, hear how many were found, Enter picks the active option.
    let before = Number(await page.getByTestId('cooperation-page').getAttribute('data-version'));
    await search.fill('petit pl');
    await page.getByTestId('member-org-statut').getByText('1 structure trouvée').waitFor();
    await expect(search.getAttribute('aria-expanded')).resolves.toBe('true');
    const activeId = await search.getAttribute('aria-activedescendant');
    await expect(page.locator(`[id="${activeId}"]`).textContent()).resolves.toContain('Le Petit Plus');
    await checkA11y(page, 'recherche-structure');
    await shot(page, '13-recherche-structure');
    await search.press('Enter');
    await expect(search.inputValue()).resolves.toBe('Le Petit Plus');
    await expect(search.getAttribute('aria-expanded')).resolves.toBe('false');
    await page.getByRole('button', { name: 'Ajouter le membre' }).click();
    await page.waitForFunction((v) => Number(document.querySelector('[data-testid="cooperation-page"]')?.getAttribute('data-version')) > v, before);
    await page.waitForFunction(() => (document.getElementById('member-org') as HTMLInputElement).value === '');
    // Accents and case ignored; members already in are not offered; the mouse works too.
    before = Number(await page.getByTestId('cooperation-page').getAttribute('data-version'));
    await search.fill('REGIE DE QUARTIER');
    await page.getByRole('option', { name: /Régie de quartier de Stains/ }).click();
    await page.getByRole('button', { name: 'Ajouter le membre' }).click();
    await page.waitForFunction((v) => Number(document.querySelector('[data-testid="cooperation-page"]')?.getAttribute('data-version')) > v, before);
    await search.fill('Petit Plus');
    await page.getByTestId('member-org-statut').getByText('Aucune structure ne correspond à « Petit Plus ».').waitFor();
    await search.fill('');
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    await page.reload();
    await page.getByTestId('members-table').getByRole('rowheader', { name: /Régie de quartier de Stains/ }).waitFor();
    await page.getByLabel('Mandataire du groupement').selectOption(org.tremplin);
    await page.getByRole('button', { name: 'Désigner le mandataire' }).click();
    await page.getByTestId('members-table').getByText('Mandataire').waitFor();

    // DECISION: the synthesis note is the only missing item; the advance button says why it waits.
    await expect(page.locator('#advance').getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.locator('#advance-reason').textContent()).resolves.toContain('Points manquants');
    await page.getByLabel('Livrable', { exact: true }).selectOption('NOTE_DE_SYNTHESE');
    await page.getByLabel('Titre ou référence (facultatif)').fill('Note de synthèse v1');
    await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await page.getByTestId('gate-state').getByText('Tous les points obligatoires sont remplis').waitFor();
    await checkA11y(page, 'cooperation-decision');
    await shot(page, '03-cooperation-decision');
    await page.getByRole('button', { name: 'Passer à l’étape « Faisabilité »' }).click();
    await page.getByTestId('stage-label').getByText('Étape : Faisabilité').waitFor();

    // FEASIBILITY: market and form came from the wizard; the agreement in principle remains.
    await page.getByLabel('Livrable', { exact: true }).selectOption('ACCORD_DE_PRINCIPE');
    await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await page.getByTestId('gate-state').getByText('Tous les points obligatoires sont remplis').waitFor();
    await page.getByRole('button', { name: 'Passer à l’étape « Lancement »' }).click();
    await page.getByTestId('stage-label').getByText('Étape : Lancement').waitFor();
    await expect(page.getByTestId('stepper').locator('[aria-current="step"]').textContent()).resolves.toContain('Lancement');
    await page.getByTestId('history').getByText('Passage à l’étape suivante').first().waitFor();
    await expect(page.getByTestId('history').locator('li').count()).resolves.toBeGreaterThanOrEqual(9);
    // Each fact names the organisation its author acted for.
    await expect(page.getByTestId('history').locator('li').first().locator('.timeline__who').textContent()).resolves.toBe('Par : Tremplin Travail (Structure membre)');
    await checkA11y(page, 'cooperation-lancement');
    await shot(page, '04-cooperation-lancement');

    // The network sees the GME in LAUNCH, still without reloading.
    await network.page.waitForFunction(
      () => document.querySelector('[data-testid="kind-stage-table"] td[data-kind="GME"][data-stage="LAUNCH"]')?.textContent === '1',
      null,
      { timeout: 20_000 },
    );
    await expect(activeKpi.textContent()).resolves.toBe('1');
    await checkA11y(network.page, 'tableau-de-bord-reseau');
    await shot(network.page, '05-tableau-de-bord-reseau');

    // Tablet width: the dashboard still fits without horizontal scrolling of the page.
    await network.page.setViewportSize({ width: 768, height: 1024 });
    await expect(network.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).resolves.toBe(true);
    await shot(network.page, '06-tableau-de-bord-tablette');

    // Exports download through fetch with the bearer token.
    const download = network.page.waitForEvent('download');
    await network.page.getByRole('button', { name: 'CSV Coopérations' }).click();
    expect((await download).suggestedFilename()).toMatch(/^maillage-cooperations-ile-de-france-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(cspErrors).toEqual([]);
    expect(network.cspErrors).toEqual([]);
  });

  it('a member defines an indicator with a target, records a measurement and sees it on a chart', async () => {
    expect(cooperationId).not.toBe('');
    const { page, cspErrors } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByText('Définir un indicateur ou enregistrer une mesure').click();
    await page.getByLabel('Indicateur', { exact: true }).selectOption('PEOPLE_IN_INSERTION');
    await page.getByLabel('Objectif (personnes)').fill('40');
    await page.getByRole('button', { name: 'Définir l’indicateur' }).click();
    await page.getByLabel('Indicateur mesuré').selectOption({ label: 'Personnes en parcours d’insertion' });
    await page.getByLabel('Début de période').fill('2026-01-01');
    await page.getByLabel('Fin de période').fill('2026-06-30');
    await page.getByLabel('Valeur').fill('12');
    await page.getByRole('button', { name: 'Enregistrer la mesure' }).click();
    await page.getByText('Dernière mesure : 12 personnes (1er janvier 2026) — objectif : 40 personnes (30 % de l’objectif)').waitFor();
    await page.locator('figure.chart svg').first().waitFor();
    await expect(page.locator('figure.chart [role="img"]').first().getAttribute('aria-label')).resolves.toContain('objectif 40');
    await shot(page, '11-indicateur-graphique');
    expect(cspErrors).toEqual([]); // ECharts' SVG output is allowed by the console's CSP
  });

  it('a funder sees its portfolio and the cooperation without any edit control', async () => {
    expect(cooperationId).not.toBe('');
    // A funder reads only where it funds or was solicited: the member solicits it, the grant answers the request.
    const solicited = await gql(
      `mutation($input: RequestFundingInput!) { requestFunding(input: $input) { version } }`,
      { input: { cooperationId, funderOrganisationId: org.region, programme: 'Fonds régional ESS', amount: 30000 } },
      await headersOf(email.member),
    );
    expect(solicited.errors).toBeUndefined();
    const granted = await gql(
      `mutation($input: GrantFundingInput!) { grantFunding(input: $input) { version } }`,
      { input: { cooperationId, funderOrganisationId: org.region, programme: 'Fonds régional ESS', amount: 30000, period: { start: '2026-01-01' } } },
      funderHeaders,
    );
    expect(granted.errors).toBeUndefined();
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const { page } = await newPage();
    const wsFrames: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => wsFrames.push(String(f.payload))));
    await signIn(page, email.funder);
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    await expect(page.getByTestId('portfolio-count').textContent()).resolves.toBe('1');
    await page.getByText('Nettoyage des collèges de Seine-Saint-Denis').first().waitFor();
    // Indicators against their targets.
    await page.getByRole('row', { name: /Personnes en parcours d’insertion 12 personnes 40 personnes 30 %/ }).waitFor();
    await checkA11y(page, 'portefeuille-financeur');
    await shot(page, '07-portefeuille-financeur');
    await page.getByRole('link', { name: /Voir le détail/ }).click();
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByTestId('history').locator('li').first().waitFor();
    // Funding lines name the funder (from the organisation directory); the request it answered is granted.
    await page.locator('#financements').getByText('Fonds régional ESS — Conseil régional d\'Île-de-France (Financeur)').waitFor();
    await expect(page.locator('#financements [data-request-id] .badge').allTextContents()).resolves.toEqual(['Accordée']);
    // Besides signing out, the only buttons are the funder's own funding controls (its grant:
    // disburse, end; a new grant in its own name), all inside the funding section; the only field
    // is the read-only "as of" date (the funding forms stay closed until asked for); no form at all.
    await expect(page.getByRole('button').allTextContents()).resolves.toEqual([
      'Se déconnecter',
      'Enregistrer un versement pour « Fonds régional ESS »',
      'Mettre fin au financement « Fonds régional ESS »',
      'Accorder un financement',
    ]);
    await expect(page.locator('main button').count()).resolves.toBe(3);
    await expect(page.locator('#financements button').count()).resolves.toBe(3);
    await expect(page.locator('main input, main select, main textarea').evaluateAll((els) => els.map((e) => e.id))).resolves.toEqual(['coop-asof']);
    await expect(page.locator('main form').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="deliverable-form"], [data-testid="add-member-form"], [data-testid="lifecycle-actions"]').count()).resolves.toBe(0);
    await checkA11y(page, 'cooperation-financeur');
    await shot(page, '08-cooperation-financeur');
    // Regional aggregates without the live subscription (regionalActivity is for networks).
    await page.getByRole('link', { name: 'Statistiques régionales' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistiques régionales' }).waitFor();
    await page.getByTestId('kpi-active').waitFor();
    await expect(page.locator('#d-region').inputValue()).resolves.toBe('11');
    expect(wsFrames.some((f) => f.includes('cooperationEvents'))).toBe(true); // the listener does see this page's frames
    expect(wsFrames.some((f) => f.includes('regionalActivity'))).toBe(false);
  });

  it('a funder grants a funding in its own name and records a disbursement on it; amounts in fr-FR', async () => {
    expect(cooperationId).not.toBe('');
    // fr-FR: narrow no-break space between thousands, no-break space before the euro sign.
    const eur = (amount: string) => `${amount.replace(/ /g, '\u202f')}\u00a0€`;
    const { page, cspErrors } = await newPage();
    await signIn(page, email.funder);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    const funding = page.locator('#financements');
    await expect(funding.getByTestId('funding-totals').textContent()).resolves.toBe(`${eur('30 000')} accordés, ${eur('0')} versés.`);

    // A new grant: the form opens on demand, takes the focus, and gives the focus back when done.
    const open = page.getByRole('button', { name: 'Accorder un financement', exact: true });
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('false');
    await open.click();
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.waitForFunction(() => document.activeElement?.id === 'grant-programme');
    await page.getByLabel('Programme ou dispositif').fill('Appel à projets ESS 2026');
    await page.getByLabel('Montant accordé (€)').fill('45 000');
    await page.getByLabel('Début de la période').fill('2026-02-01');
    await page.getByLabel('Fin de la période (facultatif)').fill('2026-12-31');
    await checkA11y(page, 'financement-accorder', { strict: true });
    await recorded(page, () => page.getByRole('button', { name: 'Accorder le financement' }).click());
    await page.getByTestId('announce-polite').getByText(`Financement « Appel à projets ESS 2026 » de ${eur('45 000')} accordé.`).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Accorder un financement');
    await expect(page.locator('#grant-form').count()).resolves.toBe(0);
    const line = funding.locator('li.funding', { hasText: 'Appel à projets ESS 2026' });
    await expect(line.locator('.funding__text').textContent()).resolves.toBe(
      `Appel à projets ESS 2026 — Conseil régional d'Île-de-France (Financeur) : ${eur('45 000')} (versé : ${eur('0')}) — du 1er février 2026 au 31 décembre 2026`,
    );
    await expect(funding.getByTestId('funding-totals').textContent()).resolves.toBe(`${eur('75 000')} accordés, ${eur('0')} versés.`);

    // A disbursement above what remains is refused in French; the typed amount stays.
    await page.getByRole('button', { name: 'Enregistrer un versement pour « Appel à projets ESS 2026 »' }).click();
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-amount') && document.activeElement.closest('[data-testid="disbursement-form"]') !== null);
    const form = page.getByTestId('disbursement-form');
    await expect(form.getByText(`Reste à verser : ${eur('45 000')}.`).count()).resolves.toBe(1);
    await form.getByLabel('Montant versé (€)').fill('50 000');
    await form.getByLabel('Date du versement').fill('2026-03-15');
    await form.getByRole('button', { name: 'Enregistrer le versement' }).click();
    await page.getByTestId('announce-alert').getByText('Les versements dépasseraient le montant accordé.').waitFor();
    await expect(form.getByLabel('Montant versé (€)').inputValue()).resolves.toBe('50 000');
    await checkA11y(page, 'financement-versement', { strict: true });
    await recorded(page, async () => {
      await form.getByLabel('Montant versé (€)').fill('12 500');
      await form.getByRole('button', { name: 'Enregistrer le versement' }).click();
    });
    await page.getByTestId('announce-polite').getByText(`Versement de ${eur('12 500')} enregistré pour « Appel à projets ESS 2026 ».`).waitFor();
    await expect(page.getByTestId('announce-alert').textContent()).resolves.toBe(''); // the refusal is no longer shown
    await line.getByText(`${eur('45 000')} (versé : ${eur('12 500')})`).waitFor();
    await expect(funding.getByTestId('funding-totals').textContent()).resolves.toBe(`${eur('75 000')} accordés, ${eur('12 500')} versés.`);
    await page.getByTestId('history').getByText('Versement effectué').waitFor();
    await shot(page, '17-financement-financeur');

    // What the API recorded: the grant in the funder's name, and the disbursement on it.
    const view = await gql(`query($id: ID!) { cooperation(id: $id) { fundings { funderOrganisationId programme amount disbursed periodStart periodEnd } } }`, { id: cooperationId }, funderHeaders);
    expect(view.errors).toBeUndefined();
    expect((view.data as { cooperation: { fundings: unknown[] } }).cooperation.fundings).toEqual([
      { funderOrganisationId: org.region, programme: 'Fonds régional ESS', amount: 30000, disbursed: 0, periodStart: '2026-01-01', periodEnd: null },
      { funderOrganisationId: org.region, programme: 'Appel à projets ESS 2026', amount: 45000, disbursed: 12500, periodStart: '2026-02-01', periodEnd: '2026-12-31' },
    ]);

    // The portfolio adds it up, in fr-FR too.
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    await page.getByRole('link', { name: 'Mon portefeuille', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    await page.waitForFunction((v) => document.querySelector('[data-testid="portfolio-granted"]')?.textContent === v, eur('75 000'));
    await expect(page.getByTestId('portfolio-disbursed').textContent()).resolves.toBe(eur('12 500'));
    await page.getByText(`Financement : ${eur('75 000')} accordés, ${eur('12 500')} versés`).waitFor();
    expect(cspErrors).toEqual([]);

    // A member of the cooperation sees the new funding, and no funding control: only « Solliciter un financeur ».
    const member = await newPage();
    await signIn(member.page, email.member);
    await member.page.goto(`${base}/cooperations/${cooperationId}`);
    await member.page.locator('#financements').getByText(`${eur('45 000')} (versé : ${eur('12 500')})`).waitFor();
    await expect(member.page.locator('#financements button').allTextContents()).resolves.toEqual(['Solliciter un financeur']);
    await expect(member.page.locator('#financements input').count()).resolves.toBe(0);
  });

  it('a conflict between two tabs shows a message, loads the latest state and keeps what was typed', async () => {
    const { context, page: tabA } = await newPage();
    await signIn(tabA, email.member);
    const tabB = await context.newPage();
    await tabA.goto(`${base}/cooperations/${cooperationId}`);
    await tabB.goto(`${base}/cooperations/${cooperationId}`);
    await tabB.getByTestId('cooperation-page').waitFor();
    const versionB = Number(await tabB.getByTestId('cooperation-page').getAttribute('data-version'));

    await tabB.getByLabel('Livrable', { exact: true }).selectOption('CONVENTION_GME');
    await tabB.getByLabel('Titre ou référence (facultatif)').fill('Convention signée le 3 mars (onglet B)');
    // Meanwhile tab A records something.
    await tabA.getByLabel('Livrable', { exact: true }).selectOption('NOTE_ORGANISATION_GOUVERNANCE');
    await tabA.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await tabA.waitForFunction((v) => Number(document.querySelector('[data-testid="cooperation-page"]')?.getAttribute('data-version')) > v, versionB);

    // Tab B is told live that a newer version exists, without its form being touched.
    await tabB.getByTestId('stale-notice').waitFor();
    await tabB.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await tabB.getByTestId('announce-alert').getByText("Quelqu'un d'autre a modifié cette coopération").waitFor();
    await tabB.waitForFunction((v) => Number(document.querySelector('[data-testid="cooperation-page"]')?.getAttribute('data-version')) > v, versionB);
    await expect(tabB.getByLabel('Titre ou référence (facultatif)').inputValue()).resolves.toBe('Convention signée le 3 mars (onglet B)');
    await expect(tabB.getByLabel('Livrable', { exact: true }).inputValue()).resolves.toBe('CONVENTION_GME');
    await checkA11y(tabB, 'conflit');
    await shot(tabB, '09-conflit');
    // Submitting again, on the latest version, goes through.
    await tabB.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await tabB.getByTestId('announce-polite').getByText('Livrable « Convention de groupement (GME) » enregistré.').waitFor();
    await tabB.waitForFunction(() => (document.getElementById('deliverable-title') as HTMLInputElement).value === '');
  });

  it('the regional network reads the cooperation, may record support, and has no lifecycle control', async () => {
    const { page } = await newPage();
    await signIn(page, email.network);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    await expect(page.locator('#advance, [data-testid="deliverable-form"], [data-testid="add-member-form"]').count()).resolves.toBe(0);
    await page.getByLabel('Type d’accompagnement').selectOption('NETWORK');
    await page.getByLabel('Depuis le').fill('2026-01-05');
    await page.getByLabel('Description (facultatif)').fill('Appui à la réponse au marché');
    const provider = page.getByRole('combobox', { name: 'Structure qui accompagne (facultatif)' });
    await provider.fill('grafie');
    await page.getByTestId('s-provider-statut').getByText('1 structure trouvée').waitFor();
    await provider.press('Enter');
    await expect(provider.inputValue()).resolves.toBe('GRAFIE');
    await page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
    await page.getByTestId('announce-polite').getByText('Accompagnement enregistré.').waitFor();
    await page.getByTestId('history').getByText('Accompagnement enregistré').waitFor();
    await checkA11y(page, 'cooperation-reseau');
    await shot(page, '12-cooperation-reseau');
  });

  it('an expired or refused token sends the user back to sign-in with a message', async () => {
    const { page } = await newPage();
    await signIn(page, email.petitPlus);
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('maillage.session')!) as { accessToken: string };
      session.accessToken = `${session.accessToken.slice(0, -4)}AAAA`;
      localStorage.setItem('maillage.session', JSON.stringify(session));
    });
    await page.reload();
    await page.getByTestId('signin-notice').getByText('Votre session a expiré').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Connexion à Maillage' }).waitFor();
  });

  it('a member of another structure cannot steer the cooperation (lifecycle buttons absent)', async () => {
    const { page } = await newPage(1024, 768);
    await signIn(page, email.petitPlus);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    // Le Petit Plus is a cotraitant, neither lead nor mandataire: buttons stay but say why.
    await expect(page.locator('#advance').getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.locator('#advance-reason').textContent()).resolves.toBe('Seuls la structure porteuse et le mandataire peuvent faire avancer la coopération.');
    await shot(page, '10-cooperation-cotraitant-tablette');
  });

  it('a member walks an essaimage from the wizard to Capitalisation: strategy and target, first site, waiver, indicators, lessons and evaluation', async () => {
    const { page, cspErrors } = await newPage();
    await signIn(page, email.member);
    await page.getByRole('link', { name: 'Nouvelle coopération' }).first().click();
    await page.getByLabel('Essaimage').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Nom de la coopération').fill('Essaimage de la recyclerie Tremplin');
    await page.getByLabel('Impact social (utilité sociale, parcours d\'insertion)').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Région').selectOption('11');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Stratégie d’essaimage (facultatif à ce stade)').selectOption('DUPLICATION_SOUPLE');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByRole('button', { name: 'Créer la coopération' }).click();
    await page.getByTestId('cooperation-page').waitFor();
    essaimageId = page.url().split('/cooperations/')[1].split('?')[0];
    await page.getByTestId('essaimage-facts').locator('strong').getByText('Duplication souple').waitFor();

    // DECISION: the lead is the structure essaimante; the synthesis note remains.
    await deliverable(page, 'NOTE_DE_SYNTHESE');
    await advanceTo(page, 'Faisabilité');

    // FEASIBILITY: agreement in principle, then the first target territory (new form).
    await deliverable(page, 'ACCORD_DE_PRINCIPE');
    await page.getByTestId('gate-state').getByText('Des points obligatoires manquent encore.').waitFor();
    await recorded(page, async () => {
      await expect(page.getByLabel('Stratégie d’essaimage', { exact: true }).inputValue()).resolves.toBe('DUPLICATION_SOUPLE');
      await page.getByLabel('Département cible').selectOption('93');
      await page.getByRole('button', { name: 'Enregistrer la stratégie' }).click();
    });
    await page.getByTestId('essaimage-facts').getByText('territoire cible : Seine-Saint-Denis (Île-de-France)').waitFor();
    await advanceTo(page, 'Lancement');

    // LAUNCH: partnership agreement, governance, and the first site with its operator found by name.
    await deliverable(page, 'CONVENTION_PARTENARIAT');
    await deliverable(page, 'NOTE_ORGANISATION_GOUVERNANCE');
    await page.getByLabel('Nom du nouveau site').fill('Recyclerie de Montreuil');
    await page.getByLabel('Date d’ouverture').fill('2026-03-02');
    await page.getByLabel('Département du site').selectOption('93');
    const operator = page.getByRole('combobox', { name: 'Structure qui exploite le site (facultatif)' });
    await operator.fill('stains');
    await page.getByTestId('site-operator-statut').getByText('1 structure trouvée').waitFor();
    await operator.press('ArrowDown');
    await operator.press('Enter');
    await expect(operator.inputValue()).resolves.toBe('Régie de quartier de Stains');
    await checkA11y(page, 'essaimage-site');
    await recorded(page, () => page.getByRole('button', { name: 'Ouvrir le site' }).click());
    await page.getByTestId('sites').getByText('Site « Recyclerie de Montreuil » — Seine-Saint-Denis, ouvert le 2 mars 2026').waitFor();
    await focusOn(page, 'the emptied site name', { id: 'site-name' });
    // The structure created: a wrong SIREN is refused in French, the right one is recorded.
    await page.getByLabel('SIREN (9 chiffres)').fill('123456789');
    await page.getByRole('button', { name: 'Enregistrer l’immatriculation' }).click();
    await page.getByTestId('announce-alert').getByText('Numéro SIREN invalide (9 chiffres, clé de Luhn).').waitFor();
    await recorded(page, async () => {
      await page.getByLabel('SIREN (9 chiffres)').fill('732 829 320');
      await page.getByLabel('Forme juridique (facultatif)').fill('SCIC SAS');
      await page.getByRole('button', { name: 'Enregistrer l’immatriculation' }).click();
    });
    await page.getByTestId('structure-facts').getByText('Immatriculée : SIREN 732829320 (SCIC SAS)').waitFor();
    await focusOn(page, 'the section title (the structure form is gone once registered)', { id: 'faits-titre' });
    await advanceTo(page, 'Fonctionnement');

    // OPERATION: indicators reported; governance meetings waived by the member, with a justification.
    await page.getByText('Définir un indicateur ou enregistrer une mesure').click();
    await recorded(page, async () => {
      await page.getByLabel('Indicateur', { exact: true }).selectOption('PEOPLE_IN_INSERTION');
      await page.getByRole('button', { name: 'Définir l’indicateur' }).click();
    });
    await recorded(page, async () => {
      await page.getByLabel('Indicateur mesuré').selectOption({ label: 'Personnes en parcours d’insertion' });
      await page.getByLabel('Début de période').fill('2026-04-01');
      await page.getByLabel('Valeur').fill('6');
      await page.getByRole('button', { name: 'Enregistrer la mesure' }).click();
    });
    await page.getByRole('button', { name: 'Accorder une dérogation pour « Instances de gouvernance tenues (compte rendu) »' }).click();
    await page.getByLabel('Justification de la dérogation').fill('Comité de pilotage commun avec la structure essaimante, compte rendu à venir');
    await recorded(page, () => page.getByRole('button', { name: 'Accorder la dérogation' }).click());
    await page.getByTestId('gate-checklist').getByText('justification : Comité de pilotage commun').waitFor();
    await checkA11y(page, 'essaimage-fonctionnement');
    await shot(page, '14-essaimage-fonctionnement');
    await advanceTo(page, 'Capitalisation');

    // CAPITALISATION: a lesson with the essaimage potential, and the four evaluation steps.
    await recorded(page, async () => {
      await page.getByLabel('Enseignement', { exact: true }).fill('Le site doit disposer d’un local de tri avant l’ouverture.');
      await page.getByRole('radio', { name: 'Duplicable', exact: true }).check();
      await page.getByRole('button', { name: 'Enregistrer l’enseignement' }).click();
    });
    await page.getByTestId('lesson-facts').getByText('potentiel d’essaimage : Duplicable').waitFor();
    await focusOn(page, 'the emptied lesson text', { id: 'lesson-text' });
    for (const [step, summary] of [
      ['FRAMEWORK', 'Convention et gouvernance claires'],
      ['CONTENT', 'Activité de collecte et de tri conforme'],
      ['RESULTS', 'Six personnes en parcours'],
      ['OUTLOOK', 'Deuxième site envisagé en 2027'],
    ]) {
      await recorded(page, async () => {
        await page.getByLabel('Étape d’évaluation', { exact: true }).selectOption(step);
        await page.getByLabel('Synthèse').fill(summary);
        await page.getByRole('button', { name: 'Enregistrer l’étape d’évaluation' }).click();
      });
    }
    await page.getByTestId('gate-state').getByText('Tous les points obligatoires sont remplis').waitFor();
    await page.getByTestId('evaluation-facts').getByText('Deuxième site envisagé en 2027').waitFor();
    await focusOn(page, 'the evaluation step', { id: 'eval-step' });
    await expect(page.getByTestId('evaluation-facts').getByText('Réalisée', { exact: true }).count()).resolves.toBe(4);
    await expect(page.getByTestId('history').locator('.timeline__org').first().textContent()).resolves.toBe('Tremplin Travail');
    await checkA11y(page, 'essaimage-capitalisation');
    await shot(page, '15-essaimage-capitalisation');
    expect(cspErrors).toEqual([]);
  });

  it('members remove a member; members and funders see regional statistics without the live subscription', async () => {
    const { page } = await newPage();
    const wsFrames: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => wsFrames.push(String(f.payload))));
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByRole('button', { name: 'Retirer Régie de quartier de Stains' }).click();
    await page.getByLabel('Raison (facultatif)').fill('Ne répond plus au marché');
    await checkA11y(page, 'retrait-membre');
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer le retrait' }).click());
    await page.getByTestId('announce-polite').getByText('Régie de quartier de Stains ne fait plus partie des membres.').waitFor();
    const removed = page.getByTestId('members-table').getByRole('rowheader', { name: /Régie de quartier de Stains/ });
    await removed.waitFor({ state: 'detached' }); // the cooperation is fetched again after the announcement
    await expect(removed.count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'Statistiques régionales' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistiques régionales' }).waitFor();
    await page.getByTestId('kpi-active').waitFor();
    await expect(page.getByText('Activité en direct').count()).resolves.toBe(0);
    await checkA11y(page, 'statistiques-membre');
    await shot(page, '16-statistiques-membre');
    expect(wsFrames.some((f) => f.includes('cooperationEvents'))).toBe(true); // the listener does see this page's frames
    expect(wsFrames.some((f) => f.includes('regionalActivity'))).toBe(false);
  });

  it('a rate-limited command says how long to wait in French and sends nothing more until then', async () => {
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    let sent = 0;
    // The API's rate-limit answer (apps/api/src/graphql/rate-limit.ts), served for this one operation.
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== 'RecordDeliverable') return route.continue();
      sent += 1;
      await route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ data: null, errors: [{ message: 'Too many', extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 42 } }] }),
      });
    });
    await page.getByLabel('Titre ou référence (facultatif)').fill('Compte rendu du 12 mars');
    await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await page.getByTestId('announce-alert').getByText('Trop de demandes en peu de temps. Patientez 42 secondes, puis réessayez : votre saisie est conservée.').waitFor();
    await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await page.getByTestId('announce-alert').getByText(/Patientez 4[12] secondes/).waitFor();
    await page.waitForTimeout(500); // a request, had one been sent, would have reached the route by now
    expect(sent).toBe(1);
    await expect(page.getByLabel('Titre ou référence (facultatif)').inputValue()).resolves.toBe('Compte rendu du 12 mars');
  });

  it('a cooperation the member may not read answers in French, without subscribing to its events', async () => {
    expect(essaimageId).not.toBe('');
    const { page } = await newPage();
    const wsFrames: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => wsFrames.push(String(f.payload))));
    await signIn(page, email.petitPlus);
    await page.goto(`${base}/cooperations/${essaimageId}`);
    await page.getByRole('heading', { level: 1, name: 'Coopération indisponible' }).waitFor();
    await expect(page.getByTestId('cooperation-error').getByRole('alert').textContent()).resolves.toBe('Introuvable, ou vous n’y avez pas accès.');
    await checkA11y(page, 'cooperation-inaccessible');
    expect(wsFrames.some((f) => f.includes('cooperationEvents'))).toBe(false);
  });

  const ADMIN_EMAIL = 'admin@console.test';
  const NEW_PASSWORD = 'un mot de passe solide 2026';
  const loginAnswer = async (who: string, password: string) => {
    const r = await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { email } } }`, { e: who, p: password });
    return r.errors ? String((r.errors[0] as { extensions?: { code?: string } }).extensions?.code) : 'OK';
  };

  it('an ADMIN creates a MEMBER account asking only what the role needs, and the new user signs in', async () => {
    const { page, cspErrors } = await newPage();
    await signIn(page, ADMIN_EMAIL);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Comptes utilisateurs' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await expect(page.getByRole('link', { name: 'Administration' }).getAttribute('aria-current')).resolves.toBe('page');
    // The five accounts of this file, with role, organisation (name from the directory) and régions.
    await expect(page.getByTestId('users-count').textContent()).resolves.toBe('5 comptes');
    const row = (name: string) => page.getByTestId('users-table').getByRole('row', { name: new RegExp(name) });
    await expect(row('Camille Tremplin').locator('td').allTextContents()).resolves.toEqual([
      email.member, 'Structure membre', 'Tremplin Travail', '—', 'Actif', expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) as unknown as string, 'Modifier le compte de Camille TremplinMot de passe : en donner un nouveau à Camille TremplinDésactiver le compte de Camille TremplinSupprimer le compte de Camille Tremplin',
    ]);
    await expect(row('Chargée de mission GRAFIE').locator('td').nth(3).textContent()).resolves.toBe('Île-de-France');
    await expect(row('Admin').locator('td').last().textContent()).resolves.toBe('Votre propre compte');
    // Filtering the list says how many are shown.
    await page.getByLabel('Rôle', { exact: true }).selectOption('FUNDER');
    await expect(page.getByTestId('users-count').textContent()).resolves.toBe('1 compte affiché sur 5');
    await page.getByLabel('Rôle', { exact: true }).selectOption('');
    await checkA11y(page, 'administration-comptes', { strict: true });

    // Nothing filled: the errors are listed, and the focus goes to that list.
    const form = page.getByTestId('create-user-form');
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    const errors = page.getByTestId('create-user-errors');
    await errors.getByText('Choisissez le rôle du compte.').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'create-user-errors');
    // Only what the role needs: no organisation for an operator, régions only for a network.
    await form.getByLabel('Opérateur de la plateforme').check();
    await expect(form.getByRole('combobox', { name: 'Organisation du compte' }).count()).resolves.toBe(0);
    await expect(form.getByRole('group', { name: 'Régions suivies (au moins une)' }).count()).resolves.toBe(0);
    await form.getByLabel('Inter-réseau').check();
    await form.getByRole('combobox', { name: 'Organisation du compte' }).waitFor();
    // The 18 régions (two-digit INSEE codes), not the overseas collectivités the API refuses.
    const regions = form.getByRole('group', { name: 'Régions suivies (au moins une)' }).getByRole('checkbox');
    await expect(regions.count()).resolves.toBe(18);
    await expect(regions.evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value).filter((code) => !/^\d{2}$/.test(code)))).resolves.toEqual([]);
    await checkA11y(page, 'administration-compte-reseau', { strict: true });
    await form.getByLabel('Structure membre').check();
    await expect(form.getByRole('group', { name: 'Régions suivies (au moins une)' }).count()).resolves.toBe(0);
    await form.getByLabel('Nom et prénom').fill('Dominique Petit Plus');
    await form.getByLabel('Adresse e-mail').fill('dominique@console.test');
    await form.getByLabel('Mot de passe initial').fill(NEW_PASSWORD);
    const organisation = form.getByRole('combobox', { name: 'Organisation du compte' });
    await organisation.fill('petit plus');
    await page.getByTestId('new-user-organisation-statut').getByText('1 structure trouvée').waitFor();
    await organisation.press('Enter');
    await expect(organisation.inputValue()).resolves.toBe('Le Petit Plus');
    await shot(page, '18-administration-comptes');
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByTestId('announce-polite').getByText('Compte de Dominique Petit Plus créé (Structure membre).', { exact: false }).waitFor();
    await page.getByTestId('users-count').getByText('6 comptes').waitFor();
    await expect(row('Dominique Petit Plus').locator('td').nth(2).textContent()).resolves.toBe('Le Petit Plus');
    await expect(row('Dominique Petit Plus').locator('td').nth(4).textContent()).resolves.toBe('Actif');
    await expect(form.getByLabel('Nom et prénom').inputValue()).resolves.toBe('');
    // The same e-mail again: refused, in French.
    await form.getByLabel('Structure membre').check();
    await form.getByLabel('Nom et prénom').fill('Dominique Bis');
    await form.getByLabel('Adresse e-mail').fill('dominique@console.test');
    await form.getByLabel('Mot de passe initial').fill(NEW_PASSWORD);
    await organisation.fill('tremplin');
    await page.getByTestId('new-user-organisation-statut').getByText('1 structure trouvée').waitFor();
    await organisation.press('Enter');
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByTestId('announce-alert').getByText('Saisie refusée : Un compte existe déjà avec cette adresse e-mail.').waitFor();
    await expect(form.getByLabel('Nom et prénom').inputValue()).resolves.toBe('Dominique Bis');
    await expect(page.getByTestId('users-count').textContent()).resolves.toBe('6 comptes');
    // A network account: its régions are asked, and recorded.
    await form.getByLabel('Inter-réseau').check();
    await form.getByLabel('Nom et prénom').fill('Alix Réseau');
    await form.getByLabel('Adresse e-mail').fill('alix@console.test');
    await organisation.fill('grafie');
    await page.getByTestId('new-user-organisation-statut').getByText('1 structure trouvée').waitFor();
    await organisation.press('Enter');
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByTestId('create-user-errors').getByText('Cochez au moins une région suivie.').waitFor();
    await form.getByLabel('Île-de-France').check();
    await form.getByLabel('Bretagne').check();
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByTestId('users-count').getByText('7 comptes').waitFor();
    await expect(row('Alix Réseau').locator('td').allTextContents()).resolves.toEqual([
      'alix@console.test', 'Inter-réseau', 'GRAFIE', 'Île-de-France, Bretagne', 'Actif', expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) as unknown as string, 'Modifier le compte d’Alix RéseauMot de passe : en donner un nouveau à Alix RéseauDésactiver le compte d’Alix RéseauSupprimer le compte d’Alix Réseau',
    ]);
    expect(cspErrors).toEqual([]);

    // The new user signs in as a member of Le Petit Plus and sees its cooperation, not the admin area.
    const user = await newPage();
    await signIn(user.page, 'dominique@console.test', NEW_PASSWORD);
    await user.page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    await expect(user.page.locator('.user__name').textContent()).resolves.toBe('Dominique Petit Plus');
    await expect(user.page.locator('.user__role').textContent()).resolves.toBe('Structure membre');
    await user.page.getByRole('link', { name: 'Nettoyage des collèges de Seine-Saint-Denis' }).waitFor();
    await expect(user.page.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);
    await user.page.goto(`${base}/administration/comptes`);
    await user.page.getByRole('heading', { level: 1, name: 'Accès non prévu pour votre rôle' }).waitFor();
  });

  it('an ADMIN disables an account (its sign-in then fails in French and its open session ends), re-enables it, then deletes it', async () => {
    const created = await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { email: 'sacha@console.test', name: 'Sacha Tremplin', password: NEW_PASSWORD, role: 'MEMBER', organisationId: org.tremplin },
    }, adminHeaders);
    expect(created.errors).toBeUndefined();
    // Signed in before being disabled.
    const user = await newPage();
    await signIn(user.page, 'sacha@console.test', NEW_PASSWORD);
    await user.page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();

    const { page } = await newPage();
    await signIn(page, ADMIN_EMAIL);
    await page.goto(`${base}/administration/comptes`);
    const row = page.getByTestId('users-table').getByRole('row', { name: /Sacha Tremplin/ });
    await row.waitFor();
    const accounts = Number((await page.getByTestId('users-count').textContent())?.match(/^(\d+) comptes$/)?.[1]);
    expect(accounts).toBeGreaterThan(1);
    const disable = page.getByRole('button', { name: 'Désactiver le compte de Sacha Tremplin' });
    // The confirmation is a modal dialog; Escape cancels and gives the focus back.
    await disable.click();
    const dialog = page.getByRole('dialog', { name: 'Désactiver le compte de Sacha Tremplin ?' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Annuler' && document.activeElement.closest('dialog') !== null);
    await checkA11y(page, 'administration-confirmation', { strict: true });
    await shot(page, '19-administration-confirmation');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect(dialog.count()).resolves.toBe(0);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Désactiver le compte de Sacha Tremplin');
    await expect(row.locator('td').nth(4).textContent()).resolves.toBe('Actif');
    expect(await loginAnswer('sacha@console.test', NEW_PASSWORD)).toBe('OK');
    // Confirmed: disabled; the focus lands on the row's new first action.
    await disable.click();
    await dialog.getByRole('button', { name: 'Désactiver le compte' }).click();
    await page.getByTestId('announce-polite').getByText('Le compte de Sacha Tremplin est désactivé : cette personne ne peut plus se connecter.').waitFor();
    await row.locator('td').nth(4).getByText('Désactivé').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Réactiver le compte de Sacha Tremplin');

    // Its open session ends at the next request; signing in again fails with the French message.
    await user.page.reload();
    await user.page.getByTestId('signin-notice').getByText('Votre session a expiré').waitFor();
    await user.page.getByLabel('Adresse e-mail').fill('sacha@console.test');
    await user.page.getByLabel('Mot de passe').fill(NEW_PASSWORD);
    await user.page.getByRole('button', { name: 'Se connecter' }).click();
    await user.page.getByRole('alert').getByText('Identifiants invalides : vérifiez votre adresse e-mail et votre mot de passe.').waitFor();
    await expect(user.page.getByRole('heading', { level: 1, name: 'Connexion à Maillage' }).count()).resolves.toBe(1);

    // Re-enabled: signing in works again.
    await page.getByRole('button', { name: 'Réactiver le compte de Sacha Tremplin' }).click();
    await page.getByRole('dialog', { name: 'Réactiver le compte de Sacha Tremplin ?' }).getByRole('button', { name: 'Réactiver le compte' }).click();
    await page.getByTestId('announce-polite').getByText('Le compte de Sacha Tremplin est réactivé.').waitFor();
    await row.locator('td').nth(4).getByText('Actif').waitFor();
    expect(await loginAnswer('sacha@console.test', NEW_PASSWORD)).toBe('OK');

    // Deleted: the row is gone, the focus is on the list, and the account cannot sign in.
    await page.getByRole('button', { name: 'Supprimer le compte de Sacha Tremplin' }).click();
    await page.getByRole('dialog', { name: 'Supprimer le compte de Sacha Tremplin ?' }).getByText('Cette action est irréversible.').waitFor();
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.getByTestId('announce-polite').getByText('Le compte de Sacha Tremplin est supprimé ; ses données personnelles sont effacées.').waitFor();
    // The announcement comes with the mutation's answer; the list is fetched again just after it.
    await row.waitFor({ state: 'detached' });
    await expect(row.count()).resolves.toBe(0);
    await page.getByTestId('users-count').getByText(`${accounts - 1} comptes`, { exact: true }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Comptes de la plateforme');
    expect(await loginAnswer('sacha@console.test', NEW_PASSWORD)).toBe('UNAUTHENTICATED');
  });

  it('an ADMIN searches the organisation directory and registers an organisation', async () => {
    const { page, cspErrors } = await newPage();
    await signIn(page, ADMIN_EMAIL);
    await page.goto(`${base}/administration/comptes`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    const count = page.getByTestId('organisations-count');
    await count.getByText('5 organisations trouvées.').waitFor();
    const names = () => page.getByTestId('organisations-table').locator('tbody th').allTextContents();
    await expect(names()).resolves.toEqual(["Conseil régional d'Île-de-France", 'GRAFIE', 'Le Petit Plus', 'Régie de quartier de Stains', 'Tremplin Travail']);
    // Accents and case ignored; filters by type.
    await page.getByLabel('Nom ou SIRET').fill('REGIE');
    await count.getByText('1 organisation trouvée.').waitFor();
    await expect(names()).resolves.toEqual(['Régie de quartier de Stains']);
    await page.getByLabel('Nom ou SIRET').fill('');
    await count.getByText('5 organisations trouvées.').waitFor();
    await page.getByLabel('Type', { exact: true }).selectOption('FUNDER');
    await count.getByText('1 organisation trouvée.').waitFor();
    await expect(names()).resolves.toEqual(["Conseil régional d'Île-de-France"]);
    await page.getByLabel('Nom ou SIRET').fill('zzz');
    await count.getByText('Aucune organisation ne correspond à ces critères.').waitFor();
    await page.getByLabel('Type', { exact: true }).selectOption('');
    await page.getByLabel('Nom ou SIRET').fill('');
    await count.getByText('5 organisations trouvées.').waitFor();
    await checkA11y(page, 'administration-organisations', { strict: true });

    // Registration: missing fields are listed; a wrong SIRET is refused by the API in French.
    const form = page.getByTestId('register-organisation-form');
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await page.getByTestId('register-organisation-errors').getByText('Choisissez le type d’organisation.').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'register-organisation-errors');
    await form.getByLabel('Nom de l’organisation').fill('Les Jardins de Saint-Ouen');
    await form.getByLabel('Type d’organisation').selectOption('SCIC');
    await expect(form.getByLabel('Structure de l’économie sociale et solidaire (ESS)').isChecked()).resolves.toBe(true);
    await form.getByLabel('Région').selectOption('11');
    await form.getByLabel('Département').selectOption('93');
    await form.getByLabel('SIRET (facultatif)').fill('12345678901234');
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await page.getByTestId('announce-alert').getByText('Le numéro SIRET « 12345678901234 » n\'est pas valide', { exact: false }).waitFor();
    await expect(form.getByLabel('Nom de l’organisation').inputValue()).resolves.toBe('Les Jardins de Saint-Ouen');
    await form.getByLabel('SIRET (facultatif)').fill('732 829 320 00074');
    await checkA11y(page, 'administration-organisation-saisie', { strict: true });
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await page.getByTestId('announce-polite').getByText('Organisation « Les Jardins de Saint-Ouen » enregistrée dans l’annuaire.').waitFor();
    // The list now shows it (searched by its name), marked as new.
    await count.getByText('1 organisation trouvée.').waitFor();
    const added = page.getByTestId('organisations-table').getByRole('row', { name: /Les Jardins de Saint-Ouen/ });
    await expect(added.locator('td').allTextContents()).resolves.toEqual([
      'Société coopérative d\'intérêt collectif (SCIC)',
      'Oui',
      '73282932000074',
      'Seine-Saint-Denis (Île-de-France)',
      '—',
      'Modifier l’organisation Les Jardins de Saint-Ouen',
    ]);
    await expect(added.getByText('nouvelle').count()).resolves.toBe(1);
    await expect(form.getByLabel('Nom de l’organisation').inputValue()).resolves.toBe('');
    await shot(page, '20-administration-organisations');
    // Everyone can now find it in the directory (e.g. to add it as a member).
    const found = await gql(`query { organisations(search: "jardins") { name kind ess siret regionCode departementCode } }`, {}, funderHeaders);
    expect(found.data).toEqual({ organisations: [{ name: 'Les Jardins de Saint-Ouen', kind: 'SCIC', ess: true, siret: '73282932000074', regionCode: '11', departementCode: '93' }] });
    expect(cspErrors).toEqual([]);
  });

  // Last: it adds an organisation and an account, which the administration tests above count.
  it("a member's regional statistics open on its own organisation's région, even without any cooperation", async () => {
    const occitanie = randomUUID();
    const r = await gql(`mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`, {
      input: { organisationId: occitanie, name: 'Garrigue Insertion', kind: 'ACI', regionCode: '76', departementCode: '34' },
    }, adminHeaders);
    expect(r.errors).toBeUndefined();
    // The directory is a read model: wait until it holds the organisation, as a later visit would.
    for (let i = 0; i < 100; i++) {
      const found = await gql<{ organisation: { regionCode: string } | null }>(`query($id: ID!) { organisation(id: $id) { regionCode } }`, { id: occitanie }, adminHeaders);
      if (found.data?.organisation) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await app.get(AuthService).createUserUnchecked({ email: 'garrigue@console.test', name: 'Lou Garrigue', password: PASSWORD, role: 'MEMBER', organisationId: occitanie, regions: [] });
    const { page } = await newPage();
    await signIn(page, 'garrigue@console.test');
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    await page.getByRole('link', { name: 'Statistiques régionales' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistiques régionales' }).waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#d-region')?.value === '76');
    await page.getByTestId('kpi-active').waitFor();
    await expect(page.locator('#d-region option:checked').textContent()).resolves.toBe('Occitanie');
  });

  /** The text of the elements an input's aria-describedby points at (its hint and its error). */
  const descriptionOf = (page: Page, selector: string) =>
    page.locator(selector).evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
  const storedToken = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('maillage.session') ?? '{}') as { accessToken?: string }).accessToken ?? '');

  it('a member changes its password on “Mon compte”: checked in the browser, a wrong current one refused in French, then changed; the session goes on, other sessions end, only the new password signs in', async () => {
    const who = 'morgan@console.test';
    const newPassword = 'trois mots de passe 2026';
    await app.get(AuthService).createUserUnchecked({ email: who, name: 'Morgan Tremplin', password: PASSWORD, role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    // Another browser signed in as the same person: its session ends with the change.
    const other = await newPage();
    await signIn(other.page, who);
    await other.page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();

    const { context, page, cspErrors } = await newPage();
    await signIn(page, who);
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    // A second tab of the same browser shares the session (localStorage) and takes the new token.
    const tab = await context.newPage();
    await tab.goto(`${base}/cooperations`);
    await tab.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();

    // Reached from the header (the user's name), for every role.
    const accountLink = page.getByRole('banner').getByRole('link', { name: /^Morgan Tremplin/ });
    await expect(accountLink.textContent()).resolves.toBe('Morgan TremplinStructure membre : mon compte');
    await accountLink.click();
    await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await expect(accountLink.getAttribute('aria-current')).resolves.toBe('page');
    const summary = page.getByTestId('account-summary');
    await summary.getByText('Tremplin Travail').waitFor();
    await expect(summary.locator('dt').allTextContents()).resolves.toEqual(['Nom', 'Adresse e-mail', 'Rôle', 'Organisation']);
    await expect(summary.locator('dd').allTextContents()).resolves.toEqual(['Morgan Tremplin', who, 'Structure membre', 'Tremplin Travail']);

    // Checked in the browser: each message is tied to its field, and the focus goes to the first one.
    const form = page.getByTestId('change-password-form');
    const current = form.getByLabel('Mot de passe actuel');
    const next = form.getByLabel('Nouveau mot de passe', { exact: true });
    const confirmation = form.getByLabel('Confirmation du nouveau mot de passe');
    const submit = form.getByRole('button', { name: 'Changer le mot de passe' });
    await submit.click();
    await page.getByTestId('mdp-actuel-erreur').getByText('Indiquez votre mot de passe actuel.').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'mdp-actuel');
    await expect(descriptionOf(page, '#mdp-actuel')).resolves.toBe('Indiquez votre mot de passe actuel.');
    await expect(current.getAttribute('aria-invalid')).resolves.toBe('true');
    await current.fill(PASSWORD);
    await next.fill('court');
    await confirmation.fill('court');
    await submit.click();
    await page.waitForFunction(() => document.activeElement?.id === 'mdp-nouveau');
    await expect(descriptionOf(page, '#mdp-nouveau')).resolves.toBe(
      'Entre 12 et 256 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner. Le nouveau mot de passe doit compter au moins 12 caractères (il en compte 5).',
    );
    await expect(page.getByTestId('mdp-actuel-erreur').count()).resolves.toBe(0);
    await next.fill(newPassword);
    await confirmation.fill(`${newPassword}!`);
    await submit.click();
    await page.waitForFunction(() => document.activeElement?.id === 'mdp-confirmation');
    await expect(page.getByTestId('mdp-confirmation-erreur').textContent()).resolves.toBe('La confirmation ne correspond pas au nouveau mot de passe : saisissez-le à nouveau.');
    await checkA11y(page, 'mon-compte-erreurs', { strict: true });

    // A wrong current password: the API's refusal in French, what was typed is kept.
    const before = await storedToken(page);
    await current.fill('pas le bon mot de passe');
    await confirmation.fill(newPassword);
    await submit.click();
    await page.getByTestId('announce-alert').getByText('Saisie refusée : Mot de passe actuel incorrect.').waitFor();
    await expect(next.inputValue()).resolves.toBe(newPassword);
    expect(await loginAnswer(who, PASSWORD)).toBe('OK');

    // The right one: changed, announced, fields cleared, the new token stored in the session.
    await current.fill(PASSWORD);
    await submit.click();
    await page.getByTestId('announce-polite').getByText('Votre mot de passe est changé. Vos autres sessions sont fermées ; celle-ci reste ouverte.').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Changer le mot de passe');
    await expect(page.getByTestId('announce-alert').textContent()).resolves.toBe('');
    await expect(Promise.all([current.inputValue(), next.inputValue(), confirmation.inputValue()])).resolves.toEqual(['', '', '']);
    const after = await storedToken(page);
    expect(after).not.toBe('');
    expect(after).not.toBe(before);
    await checkA11y(page, 'mon-compte', { strict: true });
    await shot(page, '21-mon-compte');

    // Still signed in: the next pages load with the new token, and after a reload too.
    await page.getByRole('link', { name: 'Statistiques régionales' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistiques régionales' }).waitFor();
    await page.getByTestId('kpi-active').waitFor();
    await page.getByRole('link', { name: 'Mes coopérations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    // The other tab of this browser took the new token; the other browser's session is over.
    await tab.getByRole('link', { name: 'Statistiques régionales' }).click();
    await tab.getByTestId('kpi-active').waitFor();
    await expect(tab.getByRole('button', { name: 'Se déconnecter' }).count()).resolves.toBe(1);
    await other.page.reload();
    await other.page.getByTestId('signin-notice').getByText('Votre session a expiré').waitFor();
    expect(cspErrors).toEqual([]);

    // Signing in again: the old password fails, the new one works.
    expect(await loginAnswer(who, PASSWORD)).toBe('UNAUTHENTICATED');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel('Adresse e-mail').fill(who);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').getByText('Identifiants invalides : vérifiez votre adresse e-mail et votre mot de passe.').waitFor();
    await page.getByLabel('Mot de passe').fill(newPassword);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
  });

  it('an ADMIN edits an account (a member becomes a network of two régions) and gives another one a new password, which it then signs in with', async () => {
    const create = async (email: string, name: string, organisationId: string) => {
      const r = await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { email, name, password: NEW_PASSWORD, role: 'MEMBER', organisationId } }, adminHeaders);
      expect(r.errors).toBeUndefined();
    };
    await create('noa@console.test', 'Noa Tremplin', org.tremplin);
    await create('eden@console.test', 'Eden Petit Plus', org.petitPlus);
    const eden = await newPage();
    await signIn(eden.page, 'eden@console.test', NEW_PASSWORD);
    await eden.page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();

    const { context, page, cspErrors } = await newPage();
    await signIn(page, ADMIN_EMAIL);
    await page.goto(`${base}/administration/comptes`);
    const row = (name: string) => page.getByTestId('users-table').getByRole('row', { name: new RegExp(name) });
    await row('Noa Tremplin').waitFor();
    // One's own row: no edit (nor role change), no password reset.
    await expect(row('Admin').locator('td').last().textContent()).resolves.toBe('Votre propre compte');

    // The edit dialog opens on the name, filled with the account as it is; Escape gives the focus back.
    const edit = page.getByRole('button', { name: 'Modifier le compte de Noa Tremplin' });
    await edit.click();
    const dialog = page.getByRole('dialog', { name: 'Modifier le compte de Noa Tremplin' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'edit-user-name');
    await expect(dialog.getByLabel('Nom et prénom').inputValue()).resolves.toBe('Noa Tremplin');
    await expect(dialog.getByLabel('Structure membre').isChecked()).resolves.toBe(true);
    await expect(dialog.getByRole('combobox', { name: 'Organisation du compte' }).inputValue()).resolves.toBe('Tremplin Travail');
    await expect(dialog.getByRole('group', { name: 'Régions suivies (au moins une)' }).count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.activeElement?.textContent === 'Modifier le compte de Noa Tremplin');

    // Network: its régions are asked, as in the creation form.
    await edit.click();
    await dialog.getByLabel('Inter-réseau').check();
    const regions = dialog.getByRole('group', { name: 'Régions suivies (au moins une)' }).getByRole('checkbox');
    await expect(regions.count()).resolves.toBe(18);
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByTestId('edit-user-errors').getByText('Cochez au moins une région suivie.').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'edit-user-errors');
    await checkA11y(page, 'administration-modifier-compte', { strict: true });
    const organisation = dialog.getByRole('combobox', { name: 'Organisation du compte' });
    await organisation.fill('grafie');
    await page.getByTestId('edit-user-organisation-statut').getByText('1 structure trouvée').waitFor();
    await organisation.press('Enter');
    await expect(organisation.inputValue()).resolves.toBe('GRAFIE');
    await dialog.getByLabel('Île-de-France').check();
    await dialog.getByLabel('Bretagne').check();
    // The API's refusal is shown inside the dialog (the page behind it is inert), what was typed kept.
    await dialog.getByLabel('Nom et prénom').fill('N'.repeat(201));
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.getByTestId('edit-user-failure').getByText('Saisie refusée : Le nom doit compter de 1 à 200 caractères.').waitFor();
    await expect(dialog.getByLabel('Bretagne').isChecked()).resolves.toBe(true);
    await dialog.getByLabel('Nom et prénom').fill('Noa Réseau');
    // The dialog as seen in the window (a full-page capture would show it away from the page's top).
    await page.screenshot({ path: path.join(SHOTS, '22-administration-modifier-compte.png') });
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByTestId('announce-polite').getByText('Le compte de Noa Réseau est modifié (Inter-réseau ; GRAFIE ; régions : Île-de-France, Bretagne).', { exact: false }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await row('Noa Réseau').locator('td').nth(1).getByText('Inter-réseau').waitFor();
    await expect(row('Noa Réseau').locator('td').allTextContents()).resolves.toEqual([
      'noa@console.test', 'Inter-réseau', 'GRAFIE', 'Île-de-France, Bretagne', 'Actif', expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) as unknown as string,
      'Modifier le compte de Noa RéseauMot de passe : en donner un nouveau à Noa RéseauDésactiver le compte de Noa RéseauSupprimer le compte de Noa Réseau',
    ]);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Modifier le compte de Noa Réseau');
    const users = await gql<{ users: { email: string | null; name: string | null; role: string; organisationId: string | null; regions: string[] }[] }>(
      `query { users { email name role organisationId regions } }`, {}, adminHeaders);
    expect(users.data?.users.find((u) => u.email === 'noa@console.test')).toEqual({ email: 'noa@console.test', name: 'Noa Réseau', role: 'NETWORK', organisationId: org.grafie, regions: ['11', '53'] });

    // A new password: generated and shown, checked, copied; recording it is the confirmation.
    const reset = page.getByRole('button', { name: 'Mot de passe : en donner un nouveau à Eden Petit Plus' });
    await reset.click();
    const resetDialog = page.getByRole('dialog', { name: 'Nouveau mot de passe pour Eden Petit Plus' });
    await resetDialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'set-password');
    const field = resetDialog.getByLabel('Nouveau mot de passe', { exact: true });
    const generated = /^[a-hjkmnp-zA-HJ-NP-Z2-9]{4}(-[a-hjkmnp-zA-HJ-NP-Z2-9]{4}){3}$/;
    const first = await field.inputValue();
    expect(first).toMatch(generated);
    await checkA11y(page, 'administration-nouveau-mot-de-passe', { strict: true });
    await field.fill('court');
    await resetDialog.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await page.getByTestId('set-password-erreur').getByText('Le mot de passe doit compter au moins 12 caractères (il en compte 5).').waitFor();
    await expect(descriptionOf(page, '#set-password')).resolves.toContain('Le mot de passe doit compter au moins 12 caractères (il en compte 5).');
    await resetDialog.getByRole('button', { name: 'Générer un autre' }).click();
    await page.getByTestId('set-password-statut').getByText('Un autre mot de passe a été généré.').waitFor();
    const password = await field.inputValue();
    expect(password).toMatch(generated);
    expect(password).not.toBe(first);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await resetDialog.getByRole('button', { name: 'Copier le mot de passe' }).click();
    await page.getByTestId('set-password-statut').getByText('Mot de passe copié dans le presse-papiers.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(password);
    await resetDialog.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    // Recorded: shown once more to copy, with the focus on what happened.
    await page.getByTestId('set-password-done').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'set-password-done');
    const shown = resetDialog.getByLabel('Mot de passe à transmettre');
    await expect(shown.inputValue()).resolves.toBe(password);
    await expect(shown.getAttribute('readonly')).resolves.toBe('');
    await checkA11y(page, 'administration-mot-de-passe-enregistre', { strict: true });
    await page.screenshot({ path: path.join(SHOTS, '23-administration-mot-de-passe.png') });
    await resetDialog.getByRole('button', { name: 'Fermer' }).click();
    await resetDialog.waitFor({ state: 'detached' });
    await page.getByTestId('announce-polite').getByText('Nouveau mot de passe enregistré pour Eden Petit Plus ; ses sessions en cours sont fermées.').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Mot de passe : en donner un nouveau à Eden Petit Plus');
    expect(cspErrors).toEqual([]);

    // Eden's open session is over; the old password fails, the new one signs in.
    await eden.page.reload();
    await eden.page.getByTestId('signin-notice').getByText('Votre session a expiré').waitFor();
    expect(await loginAnswer('eden@console.test', NEW_PASSWORD)).toBe('UNAUTHENTICATED');
    await eden.page.getByLabel('Adresse e-mail').fill('eden@console.test');
    await eden.page.getByLabel('Mot de passe').fill(password);
    await eden.page.getByRole('button', { name: 'Se connecter' }).click();
    await eden.page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    await expect(eden.page.locator('.user__name').textContent()).resolves.toBe('Eden Petit Plus');
  });

  // ---- Input the French way, refusals said at their field, focus kept ----

  /** One sign-in per account for the API calls of these tests (sign-ins are limited per address). */
  const tokens = new Map<string, Record<string, string>>();
  const headersOf = async (who: string) => {
    const known = tokens.get(who);
    if (known) return known;
    const r = await gql<{ login: { accessToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: who, p: PASSWORD });
    expect(r.errors).toBeUndefined();
    const headers = { authorization: `Bearer ${r.data!.login.accessToken}` };
    tokens.set(who, headers);
    return headers;
  };
  /** A cooperation proposed by Tremplin Travail through the API (optionally dated in the past). */
  const propose = async (kind: string, name: string, occurredAt?: string) => {
    const id = randomUUID();
    const r = await gql(`mutation($input: ProposeCooperationInput!) { proposeCooperation(input: $input) { version } }`, {
      input: { cooperationId: id, kind, name, objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.tremplin, ...(occurredAt ? { occurredAt } : {}), ...(kind === 'ESSAIMAGE' ? { parentOrganisationId: org.tremplin } : {}) },
    }, await headersOf(email.member));
    expect(r.errors).toBeUndefined();
    return id;
  };
  /** The GraphQL cooperation as the API holds it now. */
  const cooperationData = async <T,>(id: string, fields: string) => {
    const r = await gql<{ cooperation: T }>(`query($id: ID!) { cooperation(id: $id) { ${fields} } }`, { id }, adminHeaders);
    expect(r.errors).toBeUndefined();
    return r.data!.cooperation;
  };
  /** The member solicits the region's funder for a cooperation, through the API (a funder reads and grants only then). */
  const solicit = async (id: string) => {
    const r = await gql(`mutation($input: RequestFundingInput!) { requestFunding(input: $input) { version } }`, { input: { cooperationId: id, funderOrganisationId: org.region } }, await headersOf(email.member));
    expect(r.errors).toBeUndefined();
  };
  const isoDaysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it('wizard: amounts typed the French way, whole months, a CPV code with its check digit; a market refused after creation is kept, with its reason, on the cooperation page', async () => {
    const { page, cspErrors } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/nouvelle`);
    await page.getByLabel("Groupement momentané d'entreprises (GME)").check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Nom de la coopération').fill('Remplacement du personnel des collèges');
    await page.getByLabel('Mutualisation de coûts et de moyens').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Région').selectOption('11');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Le marché visé est déjà identifié').check();
    await page.getByLabel('Acheteur').fill('Département de Maine-et-Loire');
    await page.getByLabel('Code CPV (8 chiffres)').fill('79620000-6');
    await page.getByLabel('Montant hors taxes (€)').fill('1e5');
    await page.getByLabel('Durée (mois)').fill('1,5');
    await page.getByLabel('Marché réservé aux SIAE').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    // Refused in the browser, each message visible and tied to its field; the CPV check digit is fine.
    const errors = page.getByTestId('wizard-errors');
    await errors.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'wizard-errors');
    await expect(errors.locator('li').allTextContents()).resolves.toEqual([
      'Le montant hors taxes s’écrit en euros, avec au plus deux décimales (par exemple 170 000 ou 12 500,50), et doit être supérieur à zéro.',
      'La durée s’indique en mois entiers (par exemple 12 ou 18).',
    ]);
    await expect(descriptionOf(page, '#w-duration')).resolves.toBe('La durée s’indique en mois entiers (par exemple 12 ou 18).');
    await expect(descriptionOf(page, '#w-amount')).resolves.toContain('doit être supérieur à zéro');
    await checkA11y(page, 'assistant-marche-erreurs', { strict: true });
    // Thousands with a narrow no-break space (as a copy from a French document has them), cents with a comma.
    await page.getByLabel('Montant hors taxes (€)').fill('170\u202f000,50');
    await page.getByLabel('Durée (mois)').fill('12');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await expect(page.getByTestId('wizard-summary').textContent()).resolves.toContain('Département de Maine-et-Loire, 170\u202f000,50\u00a0€ HT, 12 mois');

    // The market command fails once (as a refusal of the API would); the cooperation itself is created.
    let refused = 0;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== 'RecordMarket' || refused > 0) return route.continue();
      refused += 1;
      await route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ data: null, errors: [{ message: 'Données invalides.', extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'cpvCode', value: '79620000-6' } }] }),
      });
    });
    await page.getByRole('button', { name: 'Créer la coopération' }).click();
    await page.getByTestId('cooperation-page').waitFor();
    expect(refused).toBe(1);
    const id = page.url().split('/cooperations/')[1].split('?')[0];
    // Said plainly, and where the keyboard is.
    const notice = page.getByTestId('creation-unfinished');
    await notice.getByText('La coopération a été créée, mais tout n’a pas pu être enregistré :').waitFor();
    await expect(notice.locator('li').textContent()).resolves.toBe(
      'Le marché visé n’a pas été enregistré. Motif : Saisie refusée : le champ « code CPV » n’est pas valide. Votre saisie est reprise dans le formulaire « Marché visé » ci-dessous : vérifiez-la, puis enregistrez le marché.',
    );
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'creation-unfinished');
    // Nothing typed is lost: the market form holds it, the refused field says why.
    const form = page.getByTestId('market-form');
    await expect(form.getByLabel('Acheteur').inputValue()).resolves.toBe('Département de Maine-et-Loire');
    await expect(form.getByLabel('Montant hors taxes (€)').inputValue()).resolves.toBe('170\u202f000,50');
    await expect(form.getByLabel('Durée (mois)').inputValue()).resolves.toBe('12');
    await expect(form.getByLabel('Code CPV (8 chiffres)').inputValue()).resolves.toBe('79620000-6');
    await expect(form.getByLabel('Marché réservé aux SIAE').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('m-cpv-erreur').textContent()).resolves.toBe('Saisie refusée : le champ « code CPV » n’est pas valide.');
    await checkA11y(page, 'creation-marche-non-enregistre', { strict: true });
    // Kept in the tab's session storage: a reload loses neither the note nor what was typed.
    await page.reload();
    await notice.getByText('La coopération a été créée, mais tout n’a pas pu être enregistré :').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'creation-unfinished');
    await expect(form.getByLabel('Montant hors taxes (€)').inputValue()).resolves.toBe('170\u202f000,50');
    await expect(form.getByLabel('Code CPV (8 chiffres)').inputValue()).resolves.toBe('79620000-6');
    await expect(page.getByTestId('m-cpv-erreur').textContent()).resolves.toBe('Saisie refusée : le champ « code CPV » n’est pas valide.');
    // Sent again as it is: recorded, with the cents and the check digit.
    await recorded(page, () => form.getByRole('button', { name: 'Enregistrer le marché' }).click());
    await page.getByTestId('market').getByText('170\u202f000,50\u00a0€ HT').waitFor();
    await expect(cooperationData<{ market: unknown }>(id, 'market { amountExclVat durationMonths cpvCode }')).resolves.toEqual({ market: { amountExclVat: 170000.5, durationMonths: 12, cpvCode: '79620000-6' } });
    // The note is not shown again once the market is recorded.
    await page.reload();
    await page.getByTestId('market').waitFor();
    await expect(page.getByTestId('creation-unfinished').count()).resolves.toBe(0);
    expect(cspErrors).toEqual([]);
  });

  it('market form on the cooperation page: French amounts and CPV check digit accepted, visible field-linked messages, and a confirmation before a bid deadline that freezes the members', async () => {
    const id = await propose('GME', 'Collecte des cartons de Plaine Commune');
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    const form = page.getByTestId('market-form');
    await form.waitFor();
    // Nothing filled: the button is not silently disabled; it says what is missing.
    const submit = form.getByRole('button', { name: 'Enregistrer le marché' });
    await expect(submit.isDisabled()).resolves.toBe(false);
    await submit.click();
    await page.getByTestId('market-errors').getByText('Indiquez l’acheteur du marché.').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'market-errors');
    await form.getByLabel('Acheteur').fill('Plaine Commune');
    await form.getByLabel('Code CPV (8 chiffres)').fill('90512000-9');
    await form.getByLabel('Montant hors taxes (€)').fill('12 500,50');
    await form.getByLabel('Durée (mois)').fill('1e1');
    await form.getByLabel('Marché réservé aux SIAE').check();
    await submit.click();
    await page.getByTestId('m-duration-erreur').getByText('La durée s’indique en mois entiers (par exemple 12 ou 18).').waitFor();
    await expect(page.getByTestId('market-errors').locator('li').allTextContents()).resolves.toEqual(['La durée s’indique en mois entiers (par exemple 12 ou 18).']);
    await expect(descriptionOf(page, '#m-duration')).resolves.toBe('La durée s’indique en mois entiers (par exemple 12 ou 18).');
    await expect(form.getByLabel('Durée (mois)').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'marche-erreurs', { strict: true });

    // A deadline already passed, while the cooperation is at DECISION: the consequence is explained first.
    await form.getByLabel('Durée (mois)').fill('72');
    await form.getByLabel('Date limite de remise des offres').fill(isoDaysFromToday(-3));
    await submit.click();
    const dialog = page.getByRole('dialog', { name: 'Date limite de remise des offres déjà atteinte' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('la composition du groupement sera figée jusqu’à l’attribution du marché');
    await checkA11y(page, 'marche-date-limite-passee', { strict: true });
    // Cancelled: nothing sent, back on the date to correct it.
    const before = await versionOf(page);
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'm-deadline');
    expect(await versionOf(page)).toBe(before);
    // Confirmed: recorded, and the focus lands on the section that now shows the market.
    await submit.click();
    await recorded(page, () => dialog.getByRole('button', { name: 'Enregistrer le marché avec cette date' }).click());
    await page.getByTestId('market').getByText('12\u202f500,50\u00a0€ HT').waitFor();
    await expect(page.getByTestId('market').textContent()).resolves.toContain('90512000-9');
    await page.waitForFunction(() => document.activeElement?.id === 'marche-titre');
    await expect(cooperationData<{ market: unknown }>(id, 'market { amountExclVat durationMonths cpvCode }')).resolves.toEqual({ market: { amountExclVat: 12500.5, durationMonths: 72, cpvCode: '90512000-9' } });
  });

  /** Today in Paris, as the console reads it (YYYY-MM-DD). */
  const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  /** Runs the wizard up to its “Précisions” step for a cooperation of that kind (its label) and name. */
  const wizardToDetails = async (page: Page, kindLabel: string, name: string) => {
    await page.goto(`${base}/cooperations/nouvelle`);
    await page.getByLabel(kindLabel).check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Nom de la coopération').fill(name);
    await page.getByLabel('Mutualisation de coûts et de moyens').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Région').selectOption('11');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByRole('heading', { level: 2, name: 'Étape 4 sur 5 : Précisions' }).waitFor();
  };
  /** Answers one GraphQL operation with an error, once. */
  const refuseOnce = async (page: Page, operationName: string, error: { message: string; extensions: Record<string, unknown> }) => {
    let refused = 0;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== operationName || refused > 0) return route.continue();
      refused += 1;
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: null, errors: [error] }) });
    });
    return () => refused;
  };
  /** The markup of the market fields, ids without their form's prefix (w- in the wizard, m- on the cooperation page). */
  const marketFieldsMarkup = (root: Locator, prefix: string) =>
    root.evaluate(
      (el, p) =>
        [...el.querySelectorAll(`.grid-2 > .field, fieldset[id="${p}-procedures"]`)].map((field) =>
          field.outerHTML.replace(
            / (id|for|name|aria-describedby|data-testid)="([^"]*)"/g,
            (_all, attribute: string, value: string) => ` ${attribute}="${value.split(' ').map((token) => (token.startsWith(`${p}-`) ? token.slice(p.length + 1) : token)).join(' ')}"`,
          ),
        ),
      prefix,
    );

  it('the market fields are one component: the wizard and the cooperation page have the same fields, hints, messages and attributes', async () => {
    const id = await propose('GME', 'Entretien des berges du canal de l’Ourcq');
    const { page } = await newPage();
    await signIn(page, email.member);
    // Nothing typed, sent: every required field says why, in both forms.
    await wizardToDetails(page, "Groupement momentané d'entreprises (GME)", 'Entretien des berges du canal Saint-Denis');
    await page.getByLabel('Le marché visé est déjà identifié').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByTestId('wizard-errors').waitFor();
    // The wizard's CPV field is not filled in by the browser's memory, and its messages have their test ids.
    await expect(page.locator('#w-cpv').getAttribute('autocomplete')).resolves.toBe('off');
    await expect(page.getByTestId('w-buyer-erreur').textContent()).resolves.toBe('Indiquez l’acheteur du marché.');
    const wizard = await marketFieldsMarkup(page.locator('fieldset.subform'), 'w');
    await page.goto(`${base}/cooperations/${id}`);
    const form = page.getByTestId('market-form');
    await form.getByRole('button', { name: 'Enregistrer le marché' }).click();
    await page.getByTestId('market-errors').waitFor();
    const cooperationPage = await marketFieldsMarkup(form, 'm');
    expect(wizard).toHaveLength(6);
    expect(wizard).toEqual(cooperationPage);
    // The deadline's error (here the API's refusal) is shown at the field and describes it.
    await form.getByLabel('Acheteur').fill('Établissement public territorial Est Ensemble');
    await form.getByLabel('Code CPV (8 chiffres)').fill('77311000');
    await form.getByLabel('Montant hors taxes (€)').fill('64 000');
    await form.getByLabel('Durée (mois)').fill('36');
    await form.getByLabel('Date limite de remise des offres').fill(isoDaysFromToday(30));
    await form.getByLabel('Marché réservé aux SIAE').check();
    await refuseOnce(page, 'RecordMarket', { message: 'Données invalides.', extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'bidDeadline' } });
    await form.getByRole('button', { name: 'Enregistrer le marché' }).click();
    await page.getByTestId('m-deadline-erreur').getByText('Saisie refusée : le champ « date limite de remise des offres » n’est pas valide.').waitFor();
    await expect(form.getByLabel('Date limite de remise des offres').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#m-deadline')).resolves.toBe(
      'Facultatif. De cette date à l’attribution du marché, la composition du groupement est figée. Saisie refusée : le champ « date limite de remise des offres » n’est pas valide.',
    );
  });

  it('wizard: a bid deadline already reached is explained first (cancelled: back on the date; kept: asked again for another date); a GME form refused after creation is said on the cooperation page, and the GME form and the market outcome give the focus to the market section', async () => {
    const { page, cspErrors } = await newPage();
    await signIn(page, email.member);
    await wizardToDetails(page, "Groupement momentané d'entreprises (GME)", 'Nettoyage des gymnases de Bobigny');
    await page.getByLabel('Solidaire').check();
    await page.getByLabel('Le marché visé est déjà identifié').check();
    await page.getByLabel('Acheteur').fill('Ville de Bobigny');
    await page.getByLabel('Code CPV (8 chiffres)').fill('90911200');
    await page.getByLabel('Montant hors taxes (€)').fill('85 000');
    await page.getByLabel('Durée (mois)').fill('12');
    await page.getByLabel('Marché réservé aux SIAE').check();
    await page.getByLabel('Date limite de remise des offres').fill(isoDaysFromToday(-3));
    const next = page.getByRole('button', { name: 'Suivant' });
    await next.click();
    const dialog = page.getByRole('dialog', { name: 'Date limite de remise des offres déjà atteinte' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toMatch(
      /La date limite de remise des offres \(le (1er|\d{1,2}) \S+ \d{4}\) est déjà atteinte\. Une fois le marché enregistré, la composition du groupement sera figée jusqu’à l’attribution du marché/,
    );
    await focusOn(page, '“Annuler” in the dialog', { button: 'Annuler' });
    await checkA11y(page, 'assistant-date-limite-passee', { strict: true });
    // Cancelled (button or Escape): the same step, back on the date to correct it.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await focusOn(page, 'the deadline', { id: 'w-deadline' });
    await expect(dialog.count()).resolves.toBe(0);
    await page.getByRole('heading', { level: 2, name: 'Étape 4 sur 5 : Précisions' }).waitFor();
    await next.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await focusOn(page, 'the deadline', { id: 'w-deadline' });
    // Kept: the review step, whose heading takes the focus.
    await next.click();
    await dialog.getByRole('button', { name: 'Garder cette date' }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H2' && document.activeElement.textContent === 'Étape 5 sur 5 : Vérification');
    await expect(page.getByTestId('wizard-summary').textContent()).resolves.toContain(', remise des offres le ');
    // Another date already reached is asked about again (today's says “aujourd’hui”).
    await page.getByRole('button', { name: 'Précédent' }).click();
    const today = parisToday();
    await page.getByLabel('Date limite de remise des offres').fill(today);
    await next.click();
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('La date limite de remise des offres (aujourd’hui) est déjà atteinte.');
    await dialog.getByRole('button', { name: 'Garder cette date' }).click();
    await page.getByRole('heading', { level: 2, name: 'Étape 5 sur 5 : Vérification' }).waitFor();

    // The GME form is refused once; the cooperation and its market are recorded.
    const refusals = await refuseOnce(page, 'SetGmeForm', { message: 'Service indisponible', extensions: { code: 'SERVICE_UNAVAILABLE' } });
    await page.getByRole('button', { name: 'Créer la coopération' }).click();
    await page.getByTestId('cooperation-page').waitFor();
    expect(refusals()).toBe(1);
    const id = page.url().split('/cooperations/')[1].split('?')[0];
    const notice = page.getByTestId('creation-unfinished');
    await expect(notice.locator('li').allTextContents()).resolves.toEqual([
      'La forme du groupement (« Solidaire ») n’a pas été enregistrée. Motif : Le service est momentanément indisponible. Réessayez dans un instant. Choisissez-la à nouveau dans la partie « Marché visé (GME) ».',
    ]);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'creation-unfinished');
    const recorded0 = await cooperationData<{ gmeForm: string | null; market: { bidDeadline: string } }>(id, 'gmeForm market { bidDeadline }');
    expect(recorded0.gmeForm).toBeNull();
    expect(recorded0.market.bidDeadline.slice(0, 10)).toBe(today);
    await page.unroute('**/graphql');

    // Chosen again on the page: the form goes, the focus goes to the market section.
    await recorded(page, async () => {
      await page.getByLabel('Forme du groupement', { exact: true }).selectOption('SOLIDAIRE');
      await page.getByRole('button', { name: 'Enregistrer la forme' }).click();
    });
    await focusOn(page, 'the market section', { id: 'marche-titre' });
    await expect(page.getByRole('button', { name: 'Enregistrer la forme' }).count()).resolves.toBe(0);
    // The market's outcome: the form goes, the focus goes to the market section, which says it.
    await page.getByLabel('Issue du marché', { exact: true }).selectOption('AWARDED');
    // (A market starts on or after its bid deadline, today here: September next year.)
    const nextYear = Number(today.slice(0, 4)) + 1;
    await page.getByLabel('Date de démarrage').fill(`${nextYear}-09-01`);
    await recorded(page, () => page.getByRole('button', { name: 'Enregistrer l’issue' }).click());
    await focusOn(page, 'the market section', { id: 'marche-titre' });
    await expect(page.getByTestId('market').textContent()).resolves.toContain(`Attribué, début le 1er septembre ${nextYear}`);
    // The note was said once: not after a reload.
    await page.reload();
    await page.getByTestId('market').waitFor();
    await expect(notice.count()).resolves.toBe(0);
    expect(cspErrors).toEqual([]);
  });

  it('wizard: an essaimage strategy refused after creation is said once on the cooperation page; without session storage, a refused market still comes back filled', async () => {
    const { page } = await newPage();
    await signIn(page, email.member);
    await wizardToDetails(page, 'Essaimage', 'Essaimage de la ressourcerie de Pantin');
    await page.getByLabel('Stratégie d’essaimage (facultatif à ce stade)').selectOption('DUPLICATION_SOUPLE');
    await page.getByRole('button', { name: 'Suivant' }).click();
    const refusals = await refuseOnce(page, 'ChooseEssaimageStrategy', { message: 'Forbidden', extensions: { code: 'FORBIDDEN' } });
    await page.getByRole('button', { name: 'Créer la coopération' }).click();
    await page.getByTestId('cooperation-page').waitFor();
    expect(refusals()).toBe(1);
    const notice = page.getByTestId('creation-unfinished');
    await expect(notice.locator('li').allTextContents()).resolves.toEqual([
      'La stratégie d’essaimage (« Duplication souple ») n’a pas été enregistrée. Motif : Votre rôle ne permet pas cette action sur cette coopération (par exemple, seuls la structure porteuse et le mandataire font avancer les étapes). Choisissez-la à nouveau dans la partie consacrée à l’essaimage.',
    ]);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'creation-unfinished');
    await expect(page.getByTestId('essaimage-facts').textContent()).resolves.toContain('Stratégie : non choisie');
    // Said once: with no market to keep, a reload no longer shows it.
    await page.reload();
    await page.getByTestId('essaimage-facts').waitFor();
    await expect(notice.count()).resolves.toBe(0);

    // A browser that refuses session storage to the page (site data blocked): the page's memory keeps it.
    const blocked = await newPage();
    await blocked.context.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', {
        configurable: true,
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      });
    });
    await signIn(blocked.page, email.member);
    await expect(blocked.page.evaluate(() => {
      try {
        return typeof window.sessionStorage;
      } catch {
        return 'refused';
      }
    })).resolves.toBe('refused');
    await wizardToDetails(blocked.page, "Groupement momentané d'entreprises (GME)", 'Restauration collective de Pantin');
    await blocked.page.getByLabel('Le marché visé est déjà identifié').check();
    await blocked.page.getByLabel('Acheteur').fill('Ville de Pantin');
    await blocked.page.getByLabel('Code CPV (8 chiffres)').fill('55520000-1');
    await blocked.page.getByLabel('Montant hors taxes (€)').fill('310 000');
    await blocked.page.getByLabel('Durée (mois)').fill('48');
    await blocked.page.getByLabel('Marché réservé aux SIAE').check();
    await blocked.page.getByRole('button', { name: 'Suivant' }).click();
    await refuseOnce(blocked.page, 'RecordMarket', { message: 'Données invalides.', extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'durationMonths' } });
    await blocked.page.getByRole('button', { name: 'Créer la coopération' }).click();
    await blocked.page.getByTestId('cooperation-page').waitFor();
    await expect(blocked.page.getByTestId('creation-unfinished').locator('li').textContent()).resolves.toBe(
      'Le marché visé n’a pas été enregistré. Motif : Saisie refusée : le champ « durée (mois) » n’est pas valide. Votre saisie est reprise dans le formulaire « Marché visé » ci-dessous : vérifiez-la, puis enregistrez le marché.',
    );
    const form = blocked.page.getByTestId('market-form');
    await expect(form.getByLabel('Acheteur').inputValue()).resolves.toBe('Ville de Pantin');
    await expect(form.getByLabel('Code CPV (8 chiffres)').inputValue()).resolves.toBe('55520000-1');
    await expect(form.getByLabel('Montant hors taxes (€)').inputValue()).resolves.toBe('310 000');
    await expect(form.getByLabel('Durée (mois)').inputValue()).resolves.toBe('48');
    await expect(blocked.page.getByTestId('m-duration-erreur').textContent()).resolves.toBe('Saisie refusée : le champ « durée (mois) » n’est pas valide.');
    // Recorded: nothing is kept any more (back on the page in the same tab, no note).
    await recorded(blocked.page, () => form.getByRole('button', { name: 'Enregistrer le marché' }).click());
    await blocked.page.getByTestId('market').getByText('310\u202f000\u00a0€ HT').waitFor();
    const id = blocked.page.url().split('/cooperations/')[1].split('?')[0];
    // The list reads the read models: once they hold the new cooperation (a loaded run lagged).
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    await blocked.page.getByRole('link', { name: 'Mes coopérations' }).first().click();
    await blocked.page.getByTestId('cooperation-list').locator(`a[href="/cooperations/${id}"]`).click();
    await blocked.page.getByTestId('market').waitFor();
    await expect(blocked.page.getByTestId('creation-unfinished').count()).resolves.toBe(0);
  });

  it('a browser that refuses site storage (local and session): signing in works, the session lives in the page’s memory for commands and every page, sign-out works, a reload asks to sign in again', async () => {
    const id = await propose('GIE', 'Conciergerie solidaire de Bobigny');
    // The member's list reads the read models: once they hold the new cooperation.
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const { context, page, cspErrors } = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Cookies and site data blocked: merely reading window.localStorage or sessionStorage throws.
    await context.addInitScript(() => {
      for (const area of ['localStorage', 'sessionStorage'])
        Object.defineProperty(window, area, {
          configurable: true,
          get() {
            throw new DOMException('Access is denied for this document.', 'SecurityError');
          },
        });
    });
    await signIn(page, email.member);
    await expect(page.evaluate(() => ['localStorage', 'sessionStorage'].map((area) => {
      try {
        return typeof (window as unknown as Record<string, unknown>)[area];
      } catch {
        return 'refused';
      }
    }))).resolves.toEqual(['refused', 'refused']);
    await page.getByRole('heading', { level: 1, name: 'Mes coopérations' }).waitFor();
    // Moving through the console (no reload) keeps the session: a cooperation, a command, “Mon compte”.
    await page.getByTestId('cooperation-list').locator(`a[href="/cooperations/${id}"]`).click();
    await page.getByRole('heading', { level: 1, name: 'Conciergerie solidaire de Bobigny' }).waitFor();
    await deliverable(page, 'NOTE_DE_SYNTHESE');
    await page.getByRole('banner').getByRole('link', { name: /^Camille Tremplin/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
    await page.getByTestId('account-summary').getByText('Tremplin Travail').waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connexion à Maillage' }).waitFor();
    // Signed in again, then a reload: nothing was stored, so the console asks to sign in again.
    await signIn(page, email.member);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Connexion à Maillage' }).waitFor();
    await expect(page.getByRole('button', { name: 'Se déconnecter' }).count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  /**
   * Types two of a date's three parts into an empty date field (`keys`: two pairs of digits up to
   * 12, day and month whatever their order in this browser's field, e.g. 1006); Chromium leaves
   * its value empty, with validity.badInput.
   */
  const typePartDate = async (page: Page, selector: string, keys: string) => {
    const field = page.locator(selector);
    await field.focus();
    await page.keyboard.type(keys);
    await expect(field.evaluate((el: HTMLInputElement) => [el.value, el.validity.badInput])).resolves.toEqual(['', true]);
  };
  const INCOMPLETE_DATE = 'Date incomplète : saisissez le jour, le mois et l’année.';

  it('a date partly typed (Chromium gives it no value) is refused at its field, focused, and nothing is sent: an optional end of period, a required support start, the wizard’s bid deadline; a “situation au” date partly erased keeps the page at its date', async () => {
    const proposedAt = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = await propose('GIE', 'Épicerie solidaire de Saint-Ouen', proposedAt);
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByText('Définir un indicateur ou enregistrer une mesure').click();
    await recorded(page, async () => {
      await page.getByLabel('Indicateur', { exact: true }).selectOption('INSERTION_FTE');
      await page.getByRole('button', { name: 'Définir l’indicateur' }).click();
    });

    // Optional: the end of a measured period (it would have been recorded without an end).
    const sent = mutationsSent(page);
    const form = page.getByTestId('measurement-form');
    await form.getByLabel('Indicateur mesuré').selectOption({ label: "ETP d'insertion" });
    await form.getByLabel('Début de période').fill('2026-01-01');
    await typePartDate(page, '#mes-end', '1006');
    await form.getByLabel('Valeur').fill('3');
    const before = await versionOf(page);
    await form.getByRole('button', { name: 'Enregistrer la mesure' }).click();
    await focusOn(page, 'the end of the period', { id: 'mes-end' });
    await expect(page.getByTestId('mes-end-erreur').textContent()).resolves.toBe(INCOMPLETE_DATE);
    await expect(descriptionOf(page, '#mes-end')).resolves.toBe(INCOMPLETE_DATE);
    await expect(form.getByLabel('Fin de période').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'date-incomplete-mesure', { strict: true });
    expect(sent).toEqual([]);
    expect(await versionOf(page)).toBe(before);
    // Completed: recorded with its end.
    await form.getByLabel('Fin de période').fill('2026-06-30');
    await recorded(page, () => form.getByRole('button', { name: 'Enregistrer la mesure' }).click());
    expect(sent).toEqual(['RecordMeasurement']);
    await expect(cooperationData<{ indicators: { measurements: { periodStart: string; periodEnd: string | null }[] }[] }>(id, 'indicators { measurements { periodStart periodEnd } }')).resolves.toEqual({
      indicators: [{ measurements: [{ periodStart: '2026-01-01', periodEnd: '2026-06-30' }] }],
    });

    // “Situation au”: a whole date shows the cooperation then; erasing its day changes nothing but says so.
    const asOf = page.getByLabel('Voir la situation au');
    await asOf.fill(isoDaysFromToday(-1));
    await page.getByTestId('stage-label').getByText('Étape : Décision').waitFor();
    await page.getByRole('button', { name: 'Aujourd’hui' }).waitFor();
    await expect(page.getByTestId('deliverable-form').count()).resolves.toBe(0);
    await asOf.focus();
    await page.keyboard.press('Backspace');
    await expect(asOf.evaluate((el: HTMLInputElement) => [el.value, el.validity.badInput])).resolves.toEqual(['', true]);
    await page.keyboard.press('Shift+Tab');
    await expect(page.getByTestId('coop-asof-erreur').textContent()).resolves.toBe(INCOMPLETE_DATE);
    await expect(descriptionOf(page, '#coop-asof')).resolves.toBe(INCOMPLETE_DATE);
    await expect(asOf.getAttribute('aria-invalid')).resolves.toBe('true');
    // Still the view at that date (read-only), not today's.
    await expect(page.getByRole('button', { name: 'Aujourd’hui' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('deliverable-form').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Aujourd’hui' }).click();
    await page.getByTestId('deliverable-form').waitFor();
    await expect(asOf.evaluate((el: HTMLInputElement) => [el.value, el.validity.badInput])).resolves.toEqual(['', false]);
    await expect(page.getByTestId('coop-asof-erreur').count()).resolves.toBe(0);

    // Required: the start of a support (a regional network); its button is no longer disabled by an empty date.
    const network = await newPage();
    await signIn(network.page, email.network);
    await network.page.goto(`${base}/cooperations/${id}`);
    await network.page.getByTestId('cooperation-page').waitFor();
    const networkSent = mutationsSent(network.page);
    await network.page.getByLabel('Type d’accompagnement').selectOption('NETWORK');
    await typePartDate(network.page, '#s-start', '0502');
    await network.page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
    await focusOn(network.page, 'the support start', { id: 's-start' });
    await expect(network.page.getByTestId('s-start-erreur').textContent()).resolves.toBe(INCOMPLETE_DATE);
    await expect(descriptionOf(network.page, '#s-start')).resolves.toBe(INCOMPLETE_DATE);
    await checkA11y(network.page, 'date-incomplete-accompagnement', { strict: true });
    expect(networkSent).toEqual([]);
    // Emptied: said too, instead of a disabled button.
    await network.page.getByLabel('Depuis le').fill('');
    await network.page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
    await network.page.getByTestId('s-start-erreur').getByText('Indiquez depuis quand la coopération est accompagnée.').waitFor();
    await focusOn(network.page, 'the support start', { id: 's-start' });
    expect(networkSent).toEqual([]);
    await network.page.getByLabel('Depuis le').fill('2026-02-05');
    await network.page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
    await network.page.getByTestId('announce-polite').getByText('Accompagnement enregistré.').waitFor();
    await expect(network.page.getByTestId('s-start-erreur').count()).resolves.toBe(0);
    expect(networkSent).toEqual(['RecordSupport']);

    // The wizard's bid deadline (optional, in the error summary too): the step is not left.
    const wizard = await newPage();
    await signIn(wizard.page, email.member);
    await wizardToDetails(wizard.page, "Groupement momentané d'entreprises (GME)", 'Entretien des parcs de Saint-Ouen');
    await wizard.page.getByLabel('Le marché visé est déjà identifié').check();
    await wizard.page.getByLabel('Acheteur').fill('Ville de Saint-Ouen');
    await wizard.page.getByLabel('Code CPV (8 chiffres)').fill('77310000');
    await wizard.page.getByLabel('Montant hors taxes (€)').fill('90 000');
    await wizard.page.getByLabel('Durée (mois)').fill('12');
    await wizard.page.getByLabel('Marché réservé aux SIAE').check();
    await typePartDate(wizard.page, '#w-deadline', '1109');
    await wizard.page.getByRole('button', { name: 'Suivant' }).click();
    const summary = wizard.page.getByTestId('wizard-errors');
    await summary.waitFor();
    await expect(summary.locator('li').allTextContents()).resolves.toEqual([INCOMPLETE_DATE]);
    await wizard.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'wizard-errors');
    await expect(wizard.page.getByTestId('w-deadline-erreur').textContent()).resolves.toBe(INCOMPLETE_DATE);
    await expect(descriptionOf(wizard.page, '#w-deadline')).resolves.toBe(`Facultatif. De cette date à l’attribution du marché, la composition du groupement est figée. ${INCOMPLETE_DATE}`);
    await wizard.page.getByRole('heading', { level: 2, name: 'Étape 4 sur 5 : Précisions' }).waitFor();
    await wizard.page.getByLabel('Date limite de remise des offres').fill(isoDaysFromToday(60));
    await wizard.page.getByRole('button', { name: 'Suivant' }).click();
    await wizard.page.getByRole('heading', { level: 2, name: 'Étape 5 sur 5 : Vérification' }).waitFor();
    await expect(wizard.page.getByTestId('wizard-summary').textContent()).resolves.toMatch(/90\s000\s€ HT, 12 mois, remise des offres le /);
  });

  it('indicators: values, objectives and chart axes the French way with their unit agreed; an objective typed 12,5 is accepted; obvious mistakes are said at their field before sending', async () => {
    const id = await propose('GIE', 'Fonctions support mutualisées de Gennevilliers');
    await solicit(id);
    const granted = await gql(`mutation($input: GrantFundingInput!) { grantFunding(input: $input) { version } }`, {
      input: { cooperationId: id, funderOrganisationId: org.region, programme: 'Fonds GIE', amount: 0.5, period: { start: '2026-01-01' } },
    }, funderHeaders);
    expect(granted.errors).toBeUndefined();
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();
    // 0,50 € is not rounded to 1 €.
    await expect(page.getByTestId('funding-totals').textContent()).resolves.toBe('0,50\u00a0€ accordés, 0\u00a0€ versés.');
    await page.getByText('Définir un indicateur ou enregistrer une mesure').click();
    const define = async (standard: string, target?: string) =>
      recorded(page, async () => {
        await page.getByLabel('Indicateur', { exact: true }).selectOption(standard);
        if (target) await page.getByLabel(/^Objectif/).fill(target);
        await page.getByRole('button', { name: 'Définir l’indicateur' }).click();
      });
    await define('INSERTION_FTE', '12,5');
    await define('SOCIAL_CLAUSE_HOURS');
    await define('PERMANENT_JOBS_CREATED');
    await expect(cooperationData<{ indicators: { target: string | null }[] }>(id, 'indicators { target }')).resolves.toEqual({ indicators: [{ target: '12.5' }, { target: null }, { target: null }] });

    // Checked before sending, each message at its field.
    const form = page.getByTestId('measurement-form');
    await form.getByLabel('Indicateur mesuré').selectOption({ label: "ETP d'insertion" });
    await form.getByLabel('Début de période').fill('2026-06-30');
    await form.getByLabel('Fin de période').fill('2026-01-01');
    await form.getByLabel('Valeur').fill('beaucoup');
    const before = await versionOf(page);
    await form.getByRole('button', { name: 'Enregistrer la mesure' }).click();
    await page.getByTestId('mes-end-erreur').getByText('La fin de période ne peut pas précéder son début.').waitFor();
    await expect(page.getByTestId('mes-value-erreur').textContent()).resolves.toBe('Cet indicateur se mesure par un nombre (par exemple 12 ou 12,5).');
    await expect(descriptionOf(page, '#mes-value')).resolves.toBe('Cet indicateur se mesure par un nombre (par exemple 12 ou 12,5).');
    await expect(form.getByLabel('Fin de période').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'mesure-erreurs', { strict: true });
    expect(await versionOf(page)).toBe(before);
    const measure = (label: string, value: string) =>
      recorded(page, async () => {
        await form.getByLabel('Indicateur mesuré').selectOption({ label });
        await form.getByLabel('Début de période').fill('2026-01-01');
        await form.getByLabel('Fin de période').fill('2026-06-30');
        await form.getByLabel('Valeur').fill(value);
        await form.getByRole('button', { name: 'Enregistrer la mesure' }).click();
      });
    await measure("ETP d'insertion", '14,4');
    await measure("Heures d'insertion issues des clauses sociales", '1 250');
    await measure('Emplois permanents créés', '1');
    const indicator = (label: string) => page.locator('.indicator', { has: page.getByRole('heading', { name: new RegExp(`^${label}`) }) });
    await expect(indicator("ETP d'insertion").locator('p').first().textContent()).resolves.toBe('Dernière mesure : 14,4 ETP (1er janvier 2026) — objectif : 12,5 ETP (115,2 % de l’objectif)');
    await expect(indicator('Emplois permanents créés').locator('p').first().textContent()).resolves.toBe('Dernière mesure : 1 emploi (1er janvier 2026)');
    // The chart's axis: thousands with a narrow no-break space, never an English comma.
    const hours = indicator("Heures d'insertion");
    await hours.locator('figure.chart svg text').first().waitFor();
    const ticks = await hours.locator('figure.chart svg text').allTextContents();
    expect(ticks.some((t) => /^1\u202f\d{3}$/.test(t))).toBe(true);
    expect(ticks.filter((t) => /\d,\d{3}/.test(t))).toEqual([]);
    await expect(hours.locator('figure.chart [role="img"]').getAttribute('aria-label')).resolves.toContain('1er janvier 2026 1\u202f250 heures');

    // The funder's portfolio says the same.
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const funder = await newPage();
    await signIn(funder.page, email.funder);
    const section = funder.page.locator(`#coop-${id}`);
    await section.getByRole('row', { name: /ETP d'insertion/ }).waitFor();
    await expect(section.getByRole('row', { name: /ETP d'insertion/ }).locator('td').allTextContents()).resolves.toEqual(['14,4 ETP', '12,5 ETP', '115,2 %']);
    await expect(section.getByRole('row', { name: /Emplois permanents créés/ }).locator('td').allTextContents()).resolves.toEqual(['1 emploi', '—', '—']);
    // Screen readers hear “d’Essaimage”, “de Fonctions”: here “de”.
    await expect(section.getByRole('link', { name: /^Voir le détail/ }).textContent()).resolves.toBe('Voir le détail de Fonctions support mutualisées de Gennevilliers');
    if (essaimageId) {
      await solicit(essaimageId);
      const essaimage = await gql(`mutation($input: GrantFundingInput!) { grantFunding(input: $input) { version } }`, {
        input: { cooperationId: essaimageId, funderOrganisationId: org.region, programme: 'Fonds essaimage', amount: 1000, period: { start: '2026-01-01' } },
      }, funderHeaders);
      expect(essaimage.errors).toBeUndefined();
      await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
      await funder.page.reload();
      await expect(funder.page.locator(`#coop-${essaimageId}`).getByRole('link', { name: /^Voir le détail/ }).textContent()).resolves.toBe('Voir le détail d’Essaimage de la recyclerie Tremplin');
    }
  });

  it('“Voir la situation au” a date before the cooperation existed says so and keeps the date field', async () => {
    const proposedAt = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = await propose('GES', 'Groupe Initiative Emploi', proposedAt);
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();
    const date = page.getByLabel('Voir la situation au');
    await date.fill(isoDaysFromToday(-40));
    const missing = page.getByTestId('asof-missing');
    await missing.waitFor();
    await expect(missing.textContent()).resolves.toMatch(/^La coopération n’existait pas encore à cette date : elle a été proposée le (1er|\d{1,2}) \S+ \d{4}\.$/);
    // Still the cooperation's page, with its date field, which kept the focus.
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Groupe Initiative Emploi');
    await expect(page.getByRole('heading', { level: 1, name: 'Coopération indisponible' }).count()).resolves.toBe(0);
    await page.waitForFunction(() => document.activeElement?.id === 'coop-asof');
    await expect(descriptionOf(page, '#coop-asof')).resolves.toMatch(/^La coopération n’existait pas encore à cette date/);
    await checkA11y(page, 'situation-avant-creation', { strict: true });
    // A date after its proposal shows it; “Aujourd’hui” comes back to now.
    await date.fill(isoDaysFromToday(-1));
    await page.getByTestId('stage-label').getByText('Étape : Décision').waitFor();
    await expect(missing.count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Aujourd’hui' }).click();
    await page.getByTestId('gate-checklist').waitFor();
  });

  it('the keyboard focus lands somewhere sensible after each command and form, never on <body>', async () => {
    const id = await propose('GME', 'Entretien des espaces verts du Parc du Petit Leroy');
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();

    // Added: the emptied search field, ready for the next member.
    const search = page.getByRole('combobox', { name: 'Structure à ajouter' });
    await search.fill('petit pl');
    await page.getByTestId('member-org-statut').getByText('1 structure trouvée').waitFor();
    await search.press('Enter');
    await recorded(page, () => page.getByRole('button', { name: 'Ajouter le membre' }).click());
    await focusOn(page, 'the search field', { id: 'member-org' });
    // Refused: the focus stays on the button, the choice is kept.
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== 'AddMember') return route.continue();
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: null, errors: [{ message: 'Cette structure est déjà membre de la coopération.', extensions: { code: 'MEMBER_ALREADY_PRESENT' } }] }) });
    });
    await search.fill('stains');
    await page.getByTestId('member-org-statut').getByText('1 structure trouvée').waitFor();
    await search.press('Enter');
    await page.getByRole('button', { name: 'Ajouter le membre' }).click();
    await page.getByTestId('announce-alert').getByText('Cette structure est déjà membre de la coopération.').waitFor();
    await focusOn(page, '“Ajouter le membre”', { button: 'Ajouter le membre' });
    await expect(search.inputValue()).resolves.toBe('Régie de quartier de Stains');
    await page.unroute('**/graphql');

    // The mandataire: back on its field.
    await page.getByLabel('Mandataire du groupement').selectOption(org.tremplin);
    await recorded(page, () => page.getByRole('button', { name: 'Désigner le mandataire' }).click());
    await focusOn(page, 'the mandataire field', { id: 'mandataire' });

    // The waiver form: opened on its field, cancelled back to its button, granted on the item.
    const open = page.getByRole('button', { name: /^Accorder une dérogation pour/ }).first();
    const openId = await open.getAttribute('id');
    const itemId = openId!.replace(/^waive-open-/, '');
    await open.click();
    await focusOn(page, 'the justification', { idPrefix: 'waive-', tag: 'TEXTAREA' });
    await page.getByRole('button', { name: 'Annuler' }).click();
    await focusOn(page, '“Accorder une dérogation”', { id: openId! });
    await page.locator(`[id="${openId}"]`).click();
    await page.getByLabel('Justification de la dérogation').fill('Point examiné en comité de pilotage, sans objet pour ce groupement');
    await recorded(page, () => page.getByRole('button', { name: 'Accorder la dérogation' }).click());
    await focusOn(page, 'the item waived', { id: `gate-item-${itemId}` });
    await expect(page.locator(`[id="gate-item-${itemId}"]`).textContent()).resolves.toContain('Dérogation');

    // A deliverable: the button keeps the focus for the next one.
    await page.getByLabel('Livrable', { exact: true }).selectOption('NOTE_DE_SYNTHESE');
    await recorded(page, () => page.getByRole('button', { name: 'Enregistrer le livrable' }).click());
    await focusOn(page, '“Enregistrer le livrable”', { button: 'Enregistrer le livrable' });

    // The network records a support: the emptied form's first field.
    const network = await newPage();
    await signIn(network.page, email.network);
    await network.page.goto(`${base}/cooperations/${id}`);
    await network.page.getByLabel('Type d’accompagnement').selectOption('NETWORK');
    await network.page.getByLabel('Depuis le').fill('2026-02-02');
    await network.page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
    await network.page.getByTestId('announce-polite').getByText('Accompagnement enregistré.').waitFor();
    await network.page.waitForFunction(() => document.activeElement?.id === 's-kind', null, { timeout: 5_000 });

    // An operator registers an organisation: the button keeps the focus.
    const admin = await newPage();
    await signIn(admin.page, ADMIN_EMAIL);
    await admin.page.goto(`${base}/administration/organisations`);
    const form = admin.page.getByTestId('register-organisation-form');
    await form.getByLabel('Nom de l’organisation').fill('Confluences');
    await form.getByLabel('Type d’organisation').selectOption('ACI');
    await form.getByLabel('Région').selectOption('11');
    await form.getByLabel('Département').selectOption('93');
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await admin.page.getByTestId('announce-polite').getByText('Organisation « Confluences » enregistrée dans l’annuaire.').waitFor();
    await admin.page.waitForFunction(() => document.activeElement?.textContent === 'Enregistrer l’organisation', null, { timeout: 5_000 });
  });

  /** Brings a cooperation to `stage` through the API: each missing item of each gate met by its first deliverable, or waived. */
  const advanceByApi = async (id: string, stage: string) => {
    const headers = await headersOf(email.member);
    const send = async (mutation: string, input: Record<string, unknown>) => {
      const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
      const r = await gql(`mutation($input: ${type}!) { ${mutation}(input: $input) { version } }`, { input: { cooperationId: id, ...input } }, headers);
      expect(r.errors).toBeUndefined();
    };
    type Gate = { stage: string; gate: { items: { id: string; status: string; advisory: boolean; deliverableKinds: string[] }[] } };
    for (let coop = await cooperationData<Gate>(id, 'stage gate { items { id status advisory deliverableKinds } }'); coop.stage !== stage; coop = await cooperationData<Gate>(id, 'stage gate { items { id status advisory deliverableKinds } }')) {
      for (const item of coop.gate.items.filter((i) => i.status === 'MISSING' && !i.advisory)) {
        if (item.deliverableKinds.length) await send('recordDeliverable', { kind: item.deliverableKinds[0] });
        // Two members cannot be waived for a GME, GIE, GES or JVS: the régie joins.
        else if (item.id === 'two-members') await send('addMember', { organisationId: org.regie });
        else await send('waiveGateItem', { itemId: item.id, justification: 'Point examiné en comité de pilotage.' });
      }
      await send('advanceStage', {});
    }
  };

  it('the lifecycle forms give the focus back: on “Revenir à l’étape précédente” once back, on the renewal once closed, on the notice once abandoned', async () => {
    const id = await propose('GIE', 'GIE Services partagés de Montreuil');
    await advanceByApi(id, 'FEASIBILITY');
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('stage-label').getByText('Étape : Faisabilité').waitFor();
    // Back to DECISION: the focus returns to the button that opened the form.
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    await page.getByLabel('Pourquoi revenir à « Décision » ?').fill('Un partenaire se retire : le tour de table est à refaire.');
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer le retour' }).click());
    await page.getByTestId('stage-label').getByText('Étape : Décision').waitFor();
    await focusOn(page, '“Revenir à l’étape précédente”', { id: 'reopen' });
    await expect(page.getByRole('button', { name: 'Confirmer le retour' }).count()).resolves.toBe(0);

    // Closed in OPERATION: the focus goes to the renewal the page now offers.
    await advanceByApi(id, 'OPERATION');
    await page.reload();
    await page.getByTestId('stage-label').getByText('Étape : Fonctionnement').waitFor();
    await page.getByRole('button', { name: 'Clôturer' }).click();
    await page.getByLabel('Issue', { exact: true }).selectOption('DISSOLVED');
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer la clôture' }).click());
    await focusOn(page, 'the renewal section', { id: 'renouveler-titre' });
    await expect(page.locator('#renouveler-titre').textContent()).resolves.toBe('Renouveler la coopération');

    // Abandoned: no action is left; the focus goes to the notice that says it and why.
    const other = await propose('GIE', 'GIE Achats groupés de Bagnolet');
    await page.goto(`${base}/cooperations/${other}`);
    await page.getByRole('button', { name: 'Abandonner' }).click();
    await page.getByLabel('Raison principale').selectOption('NO_PARTNER');
    await recorded(page, () => page.getByRole('button', { name: 'Confirmer l’abandon' }).click());
    await focusOn(page, 'the notice of abandonment', { id: 'abandon-statut' });
    await expect(page.locator('#abandon-statut').textContent()).resolves.toMatch(/^Abandonnée : Pas de partenaire trouvé\s*$/);
    await expect(page.getByTestId('lifecycle-actions').count()).resolves.toBe(0);
  });

  it('dashboard: the “as of” caption shows the date chosen; the stalled list says it shows the first 20 and links to them all, and explains an empty list (past date, member)', async () => {
    // 21 cooperations proposed 200 days ago and left there: stalled (no fact for 90 days).
    const longAgo = new Date(Date.now() - 200 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const stalledIds: string[] = [];
    for (let i = 1; i <= 21; i++) stalledIds.push(await propose('GIE', `Groupement en sommeil n° ${i}`, longAgo));
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const { page } = await newPage();
    await signIn(page, email.network);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord régional' }).waitFor();
    const count = Number(await page.getByTestId('kpi-stalled').textContent());
    expect(count).toBeGreaterThanOrEqual(21);
    const stalled = page.locator('#arret');
    await stalled.getByRole('heading', { name: `Coopérations à l’arrêt (${count})` }).waitFor();
    await expect(stalled.getByTestId('stalled-explanation').textContent()).resolves.toBe(`Les 20 premières sur ${count} :`);
    await expect(stalled.getByTestId('stalled-list').locator('li').count()).resolves.toBe(20);
    await checkA11y(page, 'tableau-de-bord-arret', { strict: true });
    // The full list: the cooperations list with the same filter.
    await stalled.getByRole('link', { name: `Voir les ${count} coopérations à l’arrêt` }).click();
    await page.getByRole('heading', { level: 1, name: 'Coopérations' }).waitFor();
    await page.getByTestId('stalled-filter').getByText('Coopérations en cours sans aucun fait depuis 90 jours (Île-de-France).').waitFor();
    await expect(page.getByTestId('cooperation-list').locator('tbody tr').count()).resolves.toBe(count);
    await expect(page.getByTestId('cooperation-count').textContent()).resolves.toBe(`${count} coopérations affichées`);
    for (const id of stalledIds.slice(0, 3)) await page.getByTestId('cooperation-list').locator(`a[href="/cooperations/${id}"]`).waitFor();
    await page.getByRole('button', { name: 'Voir toutes les coopérations' }).click();
    await page.waitForFunction(() => window.location.search === '');
    await page.getByTestId('stalled-filter').waitFor({ state: 'detached' });
    // The button went with the notice: the focus is on the filters, not on <body>.
    await focusOn(page, 'the filters', { id: 'filtres' });

    // A past date: the date chosen in the caption (not the next day), and why no list.
    await page.goto(`${base}/reseau`);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord régional' }).waitFor();
    await page.getByLabel('Situation au').fill('2026-01-15');
    await page.getByTestId('funnel').getByText('Coopérations en cours par étape et par type, Île-de-France, au 15 janvier 2026').waitFor();
    // 95 days ago, the 21 were already stalled: counted, not listed.
    await page.getByLabel('Situation au').fill(isoDaysFromToday(-95));
    await expect(page.locator('#arret').getByTestId('stalled-explanation').textContent()).resolves.toBe(
      'Elles sont comptées à cette date ; leur liste n’existe que pour la situation d’aujourd’hui (bouton « Revenir à aujourd’hui »).',
    );

    // A member counts the région's stalled cooperations but reads only its own.
    const member = await newPage();
    await signIn(member.page, email.petitPlus);
    await member.page.getByRole('link', { name: 'Statistiques régionales' }).click();
    await member.page.getByRole('heading', { level: 1, name: 'Statistiques régionales' }).waitFor();
    await member.page.locator('#arret').getByTestId('stalled-explanation').getByText(`Aucune de ces ${count} coopérations n’est ouverte à votre structure : elles sont comptées sans être nommées.`).waitFor();
  });

  it('the cooperations list reads its filter from the address only: links, back and forward, a reload and the filters above the list agree', async () => {
    const { page } = await newPage();
    await signIn(page, email.network);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord régional' }).waitFor();
    const stalledLink = page.locator('#arret').getByRole('link', { name: /^Voir les \d+ coopérations à l’arrêt$/ });
    await stalledLink.click();
    const notice = page.getByTestId('stalled-filter');
    await notice.getByText('Coopérations en cours sans aucun fait depuis 90 jours (Île-de-France).').waitFor();
    const rows = page.getByTestId('cooperation-list').locator('tbody tr');
    const stalledCount = await page.getByTestId('cooperation-count').textContent();
    await expect(page.getByLabel('Statut').inputValue()).resolves.toBe('ACTIVE');
    // The header's link to every cooperation shows them all (the stalled filter is not kept aside).
    await page.getByRole('navigation').getByRole('link', { name: 'Coopérations', exact: true }).click();
    await notice.waitFor({ state: 'detached' });
    await page.waitForFunction((shown) => document.querySelector('[data-testid="cooperation-count"]')?.textContent !== shown, stalledCount);
    await expect(page.getByLabel('Statut').inputValue()).resolves.toBe('');
    // Back: the stalled ones again; forward: all of them.
    await page.goBack();
    await notice.getByText('Coopérations en cours sans aucun fait depuis 90 jours (Île-de-France).').waitFor();
    await page.waitForFunction((shown) => document.querySelector('[data-testid="cooperation-count"]')?.textContent === shown, stalledCount);
    await page.goForward();
    await notice.waitFor({ state: 'detached' });
    await expect(page.getByLabel('Statut').inputValue()).resolves.toBe('');
    // A filter chosen above the list is written in the address (replacing it), and a reload keeps it.
    await page.getByLabel('Type', { exact: true }).selectOption('GME');
    await page.waitForFunction(() => window.location.search === '?type=GME');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="cooperation-list"] tbody tr abbr')].every((a) => a.textContent === 'GME'));
    const gmeCount = await rows.count();
    expect(gmeCount).toBeGreaterThan(0);
    await page.reload();
    await page.getByTestId('cooperation-list').waitFor();
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('GME');
    await expect(rows.count()).resolves.toBe(gmeCount);
    await expect(page.getByTestId('cooperation-list').locator('tbody tr abbr').allTextContents()).resolves.toEqual(Array(gmeCount).fill('GME'));
    // Back leaves the list the way it came (the filter replaced the address, it added no step).
    await page.goBack();
    await notice.getByText('Coopérations en cours sans aucun fait depuis 90 jours (Île-de-France).').waitFor();
    await expect(page.getByLabel('Type', { exact: true }).inputValue()).resolves.toBe('');
  });

  it('funding forms: an end before the start, an amount of 0 or with three decimals are said in visible French messages at their field; cents are kept; an end date partly erased is refused at its field', async () => {
    const id = await propose('GIE', 'GIE La Table de Cana');
    const { page } = await newPage();
    await signIn(page, email.funder);
    // A funder reads only where it funds or was solicited: the member solicits it, and a first grant
    // through the API answers the request (the funder then funds the cooperation).
    await solicit(id);
    const first = await gql(`mutation($input: GrantFundingInput!) { grantFunding(input: $input) { version } }`, {
      input: { cooperationId: id, funderOrganisationId: org.region, programme: 'Amorçage', amount: 1000, period: { start: '2026-01-01' } },
    }, funderHeaders);
    expect(first.errors).toBeUndefined();
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByRole('button', { name: 'Accorder un financement', exact: true }).click();
    const form = page.getByTestId('grant-form');
    await form.getByLabel('Programme ou dispositif').fill('Fonds de confiance');
    await form.getByLabel('Montant accordé (€)').fill('0');
    await form.getByLabel('Début de la période').fill('2026-03-01');
    await form.getByLabel('Fin de la période (facultatif)').fill('2026-02-01');
    const before = await versionOf(page);
    await form.getByRole('button', { name: 'Accorder le financement' }).click();
    const errors = page.getByTestId('grant-errors');
    await errors.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'grant-errors');
    await expect(errors.locator('li').allTextContents()).resolves.toEqual(['Le montant accordé doit être supérieur à zéro.', 'La fin de la période ne peut pas précéder son début.']);
    await expect(page.getByTestId('grant-end-erreur').textContent()).resolves.toBe('La fin de la période ne peut pas précéder son début.');
    await expect(descriptionOf(page, '#grant-amount')).resolves.toBe('En euros, par exemple 45 000 ou 12 500,50. Le montant accordé doit être supérieur à zéro.');
    await checkA11y(page, 'financement-erreurs', { strict: true });
    await form.getByLabel('Montant accordé (€)').fill('12 500,505');
    await form.getByRole('button', { name: 'Accorder le financement' }).click();
    await page.getByTestId('grant-amount-erreur').getByText('Le montant accordé s’écrit en euros, avec au plus deux décimales (par exemple 45 000 ou 12 500,50).').waitFor();
    expect(await versionOf(page)).toBe(before);
    await form.getByLabel('Montant accordé (€)').fill('12 500,50');
    await form.getByLabel('Fin de la période (facultatif)').fill('2026-12-31');
    await recorded(page, () => form.getByRole('button', { name: 'Accorder le financement' }).click());
    const line = page.locator('#financements li.funding', { hasText: 'Fonds de confiance' });
    await line.getByText('12\u202f500,50\u00a0€ (versé : 0\u00a0€)').waitFor();

    // A disbursement of 0: said at the field; 0,50 € is recorded and shown as such.
    await page.getByRole('button', { name: 'Enregistrer un versement pour « Fonds de confiance »' }).click();
    const disbursement = page.getByTestId('disbursement-form');
    await disbursement.getByLabel('Montant versé (€)').fill('0');
    await disbursement.getByRole('button', { name: 'Enregistrer le versement' }).click();
    await page.getByTestId('disbursement-amount-erreur').getByText('Le montant versé doit être supérieur à zéro.').waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="disbursement-form"]') !== null && document.activeElement?.getAttribute('aria-invalid') === 'true');
    await recorded(page, async () => {
      await disbursement.getByLabel('Montant versé (€)').fill('0,50');
      await disbursement.getByRole('button', { name: 'Enregistrer le versement' }).click();
    });
    await line.getByText('12\u202f500,50\u00a0€ (versé : 0,50\u00a0€)').waitFor();

    // The end of the funding, dated today by default: its day erased, the date is partly typed.
    const sent = mutationsSent(page);
    await page.getByRole('button', { name: 'Mettre fin au financement « Fonds de confiance »' }).click();
    const end = page.getByTestId('end-funding-form');
    const endDate = end.getByLabel('Date de fin');
    await focusOn(page, 'the end date', { idPrefix: 'end-', tag: 'INPUT' });
    await page.keyboard.press('Backspace');
    await expect(endDate.evaluate((el: HTMLInputElement) => [el.value, el.validity.badInput])).resolves.toEqual(['', true]);
    await end.getByRole('button', { name: 'Confirmer la fin du financement' }).click();
    await page.getByTestId('end-funding-on-erreur').getByText(INCOMPLETE_DATE).waitFor();
    await focusOn(page, 'the end date', { idPrefix: 'end-', tag: 'INPUT' });
    await expect(endDate.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '[data-testid="end-funding-form"] input[type="date"]')).resolves.toBe(
      `Plus aucun versement ne pourra être enregistré sur ce financement. ${INCOMPLETE_DATE}`,
    );
    expect(sent).toEqual([]);
    await expect(line.textContent()).resolves.not.toContain('terminé le');
  });

  it('a closed cooperation is renewed from the console by its lead organisation: confirmation, then the new cooperation, linked both ways', async () => {
    const id = await propose('GME', 'Espaces verts du Parc du Petit Leroy 2023');
    const headers = await headersOf(email.member);
    for (const [mutation, input] of [
      ['addMember', { organisationId: org.petitPlus }],
      ['recordMarket', { buyerName: 'Ville de Gennevilliers', procedures: ['PRIVATE_CONTRACT'], amountExclVat: 50000, durationMonths: 12 }],
      ['recordMarketOutcome', { outcome: 'LOST' }],
    ] as const) {
      const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
      const r = await gql(`mutation($input: ${type}!) { ${mutation}(input: $input) { version } }`, { input: { cooperationId: id, ...input } }, headers);
      expect(r.errors).toBeUndefined();
    }
    // A cotraitant may not renew it.
    const other = await newPage();
    await signIn(other.page, email.petitPlus);
    await other.page.goto(`${base}/cooperations/${id}`);
    await other.page.getByTestId('cooperation-page').waitFor();
    await expect(other.page.getByTestId('renew-form').count()).resolves.toBe(0);

    const { page, cspErrors } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    const form = page.getByTestId('renew-form');
    await form.waitFor();
    await expect(form.getByLabel('Nom de la nouvelle coopération').inputValue()).resolves.toBe('Espaces verts du Parc du Petit Leroy 2023');
    await form.getByLabel('Nom de la nouvelle coopération').fill('Espaces verts du Parc du Petit Leroy 2026');
    await expect(form.getByLabel('Reprendre les membres (2 structures)').isChecked()).resolves.toBe(true);
    const renew = form.getByRole('button', { name: 'Renouveler la coopération' });
    await renew.click();
    const dialog = page.getByRole('dialog', { name: 'Renouveler « Espaces verts du Parc du Petit Leroy 2023 » ?' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('Une nouvelle coopération « Espaces verts du Parc du Petit Leroy 2026 » sera créée à l’étape « Décision », avec les mêmes membres (2 structures).');
    await checkA11y(page, 'renouvellement-confirmation', { strict: true });
    // Cancelled: nothing happens, the focus is back on the button.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Renouveler la coopération');
    await renew.click();
    await dialog.getByRole('button', { name: 'Créer la nouvelle coopération' }).click();
    // The new cooperation, at DECISION, with the members, pointing back.
    await page.getByRole('heading', { level: 1, name: 'Espaces verts du Parc du Petit Leroy 2026' }).waitFor();
    const successor = page.url().split('/cooperations/')[1].split('?')[0];
    expect(successor).not.toBe(id);
    await page.getByTestId('announce-polite').getByText('La coopération « Espaces verts du Parc du Petit Leroy 2026 » est créée : elle renouvelle « Espaces verts du Parc du Petit Leroy 2023 ».').waitFor();
    await expect(page.getByTestId('stage-label').textContent()).resolves.toBe('Étape : Décision');
    await page.getByTestId('members-table').getByRole('rowheader', { name: /Le Petit Plus/ }).waitFor();
    await expect(page.getByTestId('renewal-links').getByRole('link', { name: 'voir la coopération précédente' }).getAttribute('href')).resolves.toBe(`/cooperations/${id}`);
    // The closed one now points to its successor and cannot be renewed twice.
    await page.getByTestId('renewal-links').getByRole('link', { name: 'voir la coopération précédente' }).click();
    await page.getByRole('heading', { level: 1, name: 'Espaces verts du Parc du Petit Leroy 2023' }).waitFor();
    await expect(page.getByTestId('renewal-links').getByRole('link', { name: 'voir la coopération qui lui succède' }).getAttribute('href')).resolves.toBe(`/cooperations/${successor}`);
    await expect(page.getByTestId('renew-form').count()).resolves.toBe(0);
    expect(cspErrors).toEqual([]);
  });

  it('supports recorded by a network are listed on the cooperation page, for every reader', async () => {
    const id = await propose('PTCE', 'Pôle cité PHARES');
    const r = await gql(`mutation($input: RecordSupportInput!) { recordSupport(input: $input) { version } }`, {
      input: { cooperationId: id, kind: 'DLA', period: { start: '2026-03-01', end: '2026-06-30' }, providerOrganisationId: org.grafie, description: 'Diagnostic partagé' },
    }, await headersOf(email.network));
    expect(r.errors).toBeUndefined();
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    const supports = page.getByTestId('supports');
    await supports.waitFor();
    await expect(supports.locator('li').allTextContents()).resolves.toEqual([
      "Dispositif local d'accompagnement (DLA) par GRAFIE, du 1er mars 2026 au 30 juin 2026 — Diagnostic partagé",
    ]);
    // A member reads them; only networks record them.
    await expect(page.locator('#accompagnement form').count()).resolves.toBe(0);
    // The history says what each fact recorded, not only its kind.
    await expect(page.getByTestId('history').locator('li', { hasText: 'Accompagnement enregistré' }).locator('.timeline__details').textContent()).resolves.toContain('GRAFIE');
    await checkA11y(page, 'accompagnements', { strict: true });
  });

  it('a later refusal replaces an earlier success message; long account details wrap so that the actions stay visible at 1280 px', async () => {
    const id = await propose('GIE', 'GIE des régies de quartier');
    const { page } = await newPage();
    await signIn(page, email.member);
    await page.goto(`${base}/cooperations/${id}`);
    await recorded(page, async () => {
      await page.getByLabel('Livrable', { exact: true }).selectOption('NOTE_DE_SYNTHESE');
      await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    });
    await page.getByTestId('announce-polite').getByText('Livrable « Note de synthèse » enregistré.').waitFor();
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName !== 'RecordDeliverable') return route.continue();
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: null, errors: [{ message: 'Les conditions de passage de l’étape ne sont pas remplies.', extensions: { code: 'GATE_NOT_SATISFIED' } }] }) });
    });
    await page.getByRole('button', { name: 'Enregistrer le livrable' }).click();
    await page.getByTestId('announce-alert').getByText('Les conditions de passage de l’étape ne sont pas remplies.').waitFor();
    await expect(page.getByTestId('announce-polite').textContent()).resolves.toBe('');

    // An account with a long address and name: its row's buttons are within the table, not cut off.
    const created = await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { email: 'mariechristine.delacroixfontaine@regiedequartierdesaintdenis.example', name: 'Émilie-Christine Delacroixfontaine de La Villardière', password: NEW_PASSWORD, role: 'NETWORK', organisationId: org.grafie, regions: ['11', '53', '24', '28'] },
    }, adminHeaders);
    expect(created.errors).toBeUndefined();
    const admin = await newPage(1280, 900);
    await signIn(admin.page, ADMIN_EMAIL);
    await admin.page.goto(`${base}/administration/comptes`);
    const remove = admin.page.getByRole('button', { name: 'Supprimer le compte d’Émilie-Christine Delacroixfontaine de La Villardière' });
    await remove.waitFor();
    const wrap = admin.page.locator('.table-wrap', { has: admin.page.getByTestId('users-table') });
    await expect(wrap.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).resolves.toBe(true);
    const [box, frame] = await Promise.all([remove.boundingBox(), wrap.boundingBox()]);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frame!.x + frame!.width + 1);
    // (“de” elides before a vowel: “le compte d’Émilie…”, found above.)
  });
});
