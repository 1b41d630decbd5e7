/**
 * Funding requests (« Solliciter un financeur ») in the console, in a real browser (Debian's Chromium
 * through playwright-core) against the real API: a member solicits funders and withdraws a request;
 * the funder solicited finds the cooperation under « Sollicitations en attente », opens it and grants
 * in answer to the request; another declines; the member sees « Accordée » and « Déclinée »; a funder
 * not (or no longer) solicited cannot open the cooperation.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import { formatDate } from '../src/format';
import { BrowserTestbed, buildConsole, checkA11y, focusedId, mutationsSent, recorded, shot } from './browser-support';

jest.setTimeout(240_000);

const EMAIL = {
  member: 'membre@sollicitations.test',
  region: 'region@sollicitations.test',
  departement: 'departement@sollicitations.test',
  fondation: 'fondation@sollicitations.test',
  banque: 'banque@sollicitations.test',
};
const NAME = {
  region: "Conseil régional d'Île-de-France",
  departement: 'Département de la Seine-Saint-Denis',
  fondation: 'Fondation Seine Avenir',
};
const COOPERATION = 'Cuisine centrale solidaire de Bobigny';

interface RequestData {
  requestId: string;
  funderOrganisationId: string;
  programme: string | null;
  amount: number | null;
  note: string | null;
  status: string;
  statusLabel: string;
  closedAt: string | null;
  reason: string | null;
  fundingId: string | null;
}

describe('funding requests in Chromium', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  let adminHeaders: Record<string, string>;
  let memberHeaders: Record<string, string>;
  /** Built into a folder of this file's own (another browser file may be rebuilding dist/console). */
  const consoleDir = mkdtempSync(path.join(tmpdir(), 'maillage-console-requests-'));
  const org = { tremplin: randomUUID(), region: randomUUID(), departement: randomUUID(), fondation: randomUUID(), banque: randomUUID(), regie: randomUUID(), grafie: randomUUID() };
  let cooperationId = '';
  /** Today in Paris, as the console writes it (« 3 mars 2026 »). */
  const today = () => formatDate(new Date().toISOString());

  beforeAll(async () => {
    buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_funding_requests', { consoleDir }));
    adminHeaders = await testbed.createUser({ email: 'admin@sollicitations.test', name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    const register = (organisationId: string, name: string, kind: string, departementCode: string) =>
      testbed.registerOrganisation(adminHeaders, { organisationId, name, kind, regionCode: '11', departementCode });
    await register(org.tremplin, 'Tremplin Travail', 'AI', '93');
    await register(org.region, NAME.region, 'FUNDER', '75');
    await register(org.departement, NAME.departement, 'LOCAL_AUTHORITY', '93');
    await register(org.fondation, NAME.fondation, 'FUNDER', '93');
    await register(org.banque, 'Banque des territoires', 'FUNDER', '75');
    // Neither a funder nor a local authority: never offered to solicit.
    await register(org.regie, 'Régie de quartier Seine Ouest', 'REGIE', '93');
    await register(org.grafie, 'GRAFIE', 'NETWORK', '75');
    memberHeaders = await testbed.createUser({ email: EMAIL.member, name: 'Camille Tremplin', role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    for (const [who, organisationId, name] of [
      [EMAIL.region, org.region, 'Service ESS Région'],
      [EMAIL.departement, org.departement, 'Direction de l’insertion'],
      [EMAIL.fondation, org.fondation, 'Chargée de programme Fondation'],
      [EMAIL.banque, org.banque, 'Chargé d’affaires Banque'],
    ] as const)
      await testbed.createUser({ email: who, name, role: 'FUNDER', organisationId, regions: [] });
    const proposed = randomUUID();
    const r = await gql(`mutation($input: ProposeCooperationInput!) { proposeCooperation(input: $input) { version } }`, {
      input: { cooperationId: proposed, kind: 'GIE', name: COOPERATION, objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.tremplin },
    }, memberHeaders);
    expect(r.errors).toBeUndefined();
    cooperationId = proposed;
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  /** The requests as the API holds them now (read by an operator). */
  const requestsNow = async () => {
    const r = await gql<{ cooperation: { fundingRequests: RequestData[]; fundings: { fundingId: string; funderOrganisationId: string; programme: string; amount: number }[] } }>(
      `query($id: ID!) { cooperation(id: $id) { fundingRequests { requestId funderOrganisationId programme amount note status statusLabel closedAt reason fundingId } fundings { fundingId funderOrganisationId programme amount } } }`,
      { id: cooperationId },
      adminHeaders,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.cooperation;
  };
  /** The line of the request addressed to `funderId` on the cooperation page. */
  const requestLine = (page: Page, funderId: string, requests: RequestData[]) => {
    const request = requests.find((x) => x.funderOrganisationId === funderId);
    if (!request) throw new Error(`no request to ${funderId}`);
    return page.locator(`#financements li[data-request-id="${request.requestId}"]`);
  };
  /** The text of a request's line, once the funder's name (read from the directory) is shown. */
  const lineText = async (line: ReturnType<typeof requestLine>, funderName: string) => {
    await line.locator('strong', { hasText: funderName }).waitFor();
    return line.locator('.funding__text').textContent();
  };
  const signedIn = async (who: string, width = 1280) => {
    const { page, cspErrors } = await testbed.newPage({ width });
    await testbed.signIn(page, who);
    return { page, cspErrors };
  };

  it('a member solicits a funder and a local authority from the cooperation page (only those are offered, each mistake said at its field, a funder waiting cannot be asked twice), then withdraws a third request', async () => {
    const { page, cspErrors } = await signedIn(EMAIL.member);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    const section = page.locator('#financements');
    await expect(section.getByTestId('funding-requests-empty').textContent()).resolves.toBe('Aucun financeur sollicité pour l’instant.');
    // A member has no funder control: no grant.
    await expect(section.getByRole('button', { name: 'Accorder un financement' }).count()).resolves.toBe(0);

    // The form opens on demand, on the funder's field.
    const open = section.getByRole('button', { name: 'Solliciter un financeur', exact: true });
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('false');
    await open.click();
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.waitForFunction(() => document.activeElement?.id === 'request-funderId');
    const form = page.getByTestId('request-form');
    const funder = form.getByRole('combobox', { name: 'Financeur sollicité' });

    // Nothing chosen: said in the summary and at the field; nothing sent.
    const sent = mutationsSent(page);
    await form.getByRole('button', { name: 'Envoyer la sollicitation' }).click();
    const errors = page.getByTestId('request-errors');
    await errors.waitFor();
    await expect(errors.locator('li').allTextContents()).resolves.toEqual(['Choisissez dans la liste le financeur ou la collectivité à solliciter.']);
    await expect(page.getByTestId('request-funderId-erreur').textContent()).resolves.toBe('Choisissez dans la liste le financeur ou la collectivité à solliciter.');
    await expect(funder.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(funder.getAttribute('aria-describedby')).resolves.toBe('request-funderId-aide request-funderId-erreur');
    expect(sent).toEqual([]);

    // Only funders and local authorities are offered (both kinds, by name): not a network, not a régie.
    await funder.fill('grafie');
    await page.getByTestId('request-funderId-statut').getByText('Aucune structure ne correspond à « grafie ».').waitFor();
    await funder.fill('seine');
    await page.getByTestId('request-funderId-statut').getByText('2 structures trouvées.').waitFor();
    await expect(page.locator('#request-funderId-liste .combobox__name').allTextContents()).resolves.toEqual([NAME.departement, NAME.fondation]);
    await funder.fill('conseil rég');
    await page.getByTestId('request-funderId-statut').getByText('1 structure trouvée.').waitFor();
    await funder.press('Enter');
    await expect(funder.inputValue()).resolves.toBe(NAME.region);
    await form.getByLabel('Programme ou dispositif (facultatif)').fill('Fonds régional ESS');
    await form.getByLabel('Montant sollicité (€, facultatif)').fill('vingt mille');
    await form.getByLabel('Message au financeur (facultatif)').fill('Démarrage de la cuisine prévu en septembre.');
    await form.getByRole('button', { name: 'Envoyer la sollicitation' }).click();
    await errors.getByText('Le montant sollicité s’écrit en euros').waitFor();
    await expect(errors.locator('li').count()).resolves.toBe(1);
    await expect(page.getByTestId('request-amount-erreur').textContent()).resolves.toBe('Le montant sollicité s’écrit en euros, avec au plus deux décimales (par exemple 45 000 ou 12 500,50).');
    await expect(funder.getAttribute('aria-invalid')).resolves.toBeNull();
    expect(sent).toEqual([]);
    await form.getByLabel('Montant sollicité (€, facultatif)').fill('20 000');
    await checkA11y(page, 'sollicitation-formulaire', { strict: true });
    await shot(page, 'sollicitation-formulaire');
    await recorded(page, () => form.getByRole('button', { name: 'Envoyer la sollicitation' }).click());
    expect(sent).toEqual(['RequestFunding']);
    await page.getByTestId('announce-polite').getByText(`Sollicitation envoyée à ${NAME.region}.`).waitFor();
    // Closed, the focus back on the button that opened it.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Solliciter un financeur');
    await expect(page.locator('#request-form').count()).resolves.toBe(0);
    let requests = (await requestsNow()).fundingRequests;
    expect(requests).toEqual([
      {
        requestId: expect.any(String),
        funderOrganisationId: org.region,
        programme: 'Fonds régional ESS',
        amount: 20000,
        note: 'Démarrage de la cuisine prévu en septembre.',
        status: 'OPEN',
        statusLabel: 'En attente',
        closedAt: null,
        reason: null,
        fundingId: null,
      },
    ]);
    const regionLine = requestLine(page, org.region, requests);
    await expect(lineText(regionLine, NAME.region)).resolves.toBe(
      `${NAME.region} En attente — sollicitation du ${today()} : programme « Fonds régional ESS », 20\u202f000\u00a0€ sollicités. Message : « Démarrage de la cuisine prévu en septembre. »`,
    );

    // A local authority, with nothing but its name.
    await open.click();
    await funder.fill('saint-denis');
    await page.getByRole('option', { name: new RegExp(NAME.departement) }).click();
    await recorded(page, () => form.getByRole('button', { name: 'Envoyer la sollicitation' }).click());
    await page.getByTestId('announce-polite').getByText(`Sollicitation envoyée à ${NAME.departement}.`).waitFor();

    // The region waits for its answer: asking it again is said at the field, and not sent.
    await open.click();
    await funder.fill('conseil rég');
    await page.getByTestId('request-funderId-statut').getByText('1 structure trouvée.').waitFor();
    await funder.press('Enter');
    await form.getByRole('button', { name: 'Envoyer la sollicitation' }).click();
    await page.getByTestId('request-funderId-erreur').getByText('Ce financeur est déjà sollicité : sa réponse est attendue.').waitFor();
    expect(sent).toEqual(['RequestFunding', 'RequestFunding']);
    await form.getByRole('button', { name: 'Annuler' }).click();

    // A third request, withdrawn with a reason: the form asks first, then the line says so.
    await open.click();
    await funder.fill('fondation');
    await page.getByRole('option', { name: new RegExp(NAME.fondation) }).click();
    await recorded(page, () => form.getByRole('button', { name: 'Envoyer la sollicitation' }).click());
    requests = (await requestsNow()).fundingRequests;
    const fondationLine = requestLine(page, org.fondation, requests);
    const withdraw = fondationLine.getByRole('button', { name: `Retirer la demande adressée à ${NAME.fondation}` });
    await withdraw.click();
    await expect(withdraw.getAttribute('aria-expanded')).resolves.toBe('true');
    const withdrawForm = fondationLine.getByTestId('withdraw-request-form');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA' && document.activeElement.closest('[data-testid="withdraw-request-form"]') !== null);
    await withdrawForm.getByLabel('Raison (facultatif)').fill('Dossier déposé auprès d’un autre fonds.');
    await checkA11y(page, 'sollicitation-retrait', { strict: true });
    await recorded(page, () => withdrawForm.getByRole('button', { name: 'Confirmer le retrait de la demande' }).click());
    await page.getByTestId('announce-polite').getByText(`Demande adressée à ${NAME.fondation} retirée.`).waitFor();
    await expect(lineText(fondationLine, NAME.fondation)).resolves.toBe(
      `${NAME.fondation} Retirée — sollicitation du ${today()}. Retirée le ${today()} : Dossier déposé auprès d’un autre fonds.`,
    );
    await expect(fondationLine.getByRole('button').count()).resolves.toBe(0);
    await expect(focusedId(page)).resolves.toBe(`sollicitation-${requests.find((x) => x.funderOrganisationId === org.fondation)!.requestId}`);
    // Open ones keep their « Retirer la demande ».
    await expect(requestLine(page, org.region, requests).getByRole('button', { name: /^Retirer la demande/ }).count()).resolves.toBe(1);

    expect((await requestsNow()).fundingRequests.map((x) => [x.funderOrganisationId, x.programme, x.amount, x.status, x.statusLabel, x.reason])).toEqual([
      [org.region, 'Fonds régional ESS', 20000, 'OPEN', 'En attente', null],
      [org.departement, null, null, 'OPEN', 'En attente', null],
      [org.fondation, null, null, 'WITHDRAWN', 'Retirée', 'Dossier déposé auprès d’un autre fonds.'],
    ]);
    await page.getByTestId('history').getByText('Sollicitation retirée').waitFor();
    await shot(page, 'sollicitations-membre');
    expect(cspErrors).toEqual([]);
  });

  it('the funder solicited finds the cooperation under « Sollicitations en attente », opens it and grants in answer to the request, the grant form prefilled from it; the member then sees « Accordée »', async () => {
    expect(cooperationId).not.toBe('');
    await testbed.catchUp();
    const { page, cspErrors } = await signedIn(EMAIL.region);
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    const pending = page.locator('#sollicitations');
    await pending.getByRole('heading', { level: 2, name: 'Sollicitations en attente' }).waitFor();
    const item = pending.getByTestId('solicitations').locator('li[data-cooperation-id]');
    await item.first().waitFor();
    await expect(item.count()).resolves.toBe(1);
    await expect(item.getAttribute('data-cooperation-id')).resolves.toBe(cooperationId);
    await expect(item.getByTestId('solicitation-request').textContent()).resolves.toBe(
      `Sollicitation du ${today()}, programme « Fonds régional ESS », 20\u202f000\u00a0€ sollicités. Message : « Démarrage de la cuisine prévu en septembre. »`,
    );
    // Solicited is not funded: its portfolio still counts nothing.
    await expect(page.getByTestId('portfolio-count').textContent()).resolves.toBe('0');
    await checkA11y(page, 'portefeuille-sollicitations', { strict: true });
    await shot(page, 'portefeuille-sollicitations');

    await item.getByRole('link', { name: COOPERATION }).click();
    await page.getByTestId('cooperation-page').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(COOPERATION);
    const requests = (await requestsNow()).fundingRequests;
    const mine = requestLine(page, org.region, requests);
    // Its own open request only: « Accorder » and « Décliner »; nothing on the others, no member control.
    await lineText(mine, NAME.region);
    await expect(page.locator('#financements button').evaluateAll((els) => els.map((e) => e.textContent))).resolves.toEqual([
      'Accorder un financement en réponse à la sollicitation',
      `Décliner la sollicitation adressée à ${NAME.region}`,
      'Accorder un financement',
    ]);
    await expect(requestLine(page, org.departement, requests).getByRole('button').count()).resolves.toBe(0);

    const grant = mine.getByRole('button', { name: 'Accorder un financement en réponse à la sollicitation' });
    await grant.click();
    await expect(grant.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.waitForFunction(() => document.activeElement?.id === 'grant-programme');
    const form = page.getByTestId('grant-form');
    await expect(form.getByTestId('grant-answering').textContent()).resolves.toBe(`En réponse à la sollicitation du ${today()}.`);
    await expect(form.getByLabel('Programme ou dispositif').inputValue()).resolves.toBe('Fonds régional ESS');
    await expect(form.getByLabel('Montant accordé (€)').inputValue()).resolves.toBe('20 000');
    // The period is the funder's to say.
    await form.getByRole('button', { name: 'Accorder le financement' }).click();
    await page.getByTestId('grant-errors').getByText('Indiquez le début de la période.').waitFor();
    await form.getByLabel('Montant accordé (€)').fill('18 000');
    await form.getByLabel('Début de la période').fill('2026-09-01');
    await checkA11y(page, 'sollicitation-accorder', { strict: true });
    const sent = mutationsSent(page);
    await recorded(page, () => form.getByRole('button', { name: 'Accorder le financement' }).click());
    expect(sent).toEqual(['GrantFunding']);
    await page.getByTestId('announce-polite').getByText('Financement « Fonds régional ESS » de 18\u202f000\u00a0€ accordé en réponse à la sollicitation.').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Accorder un financement');
    await expect(lineText(mine, NAME.region)).resolves.toBe(
      `${NAME.region} Accordée — sollicitation du ${today()} : programme « Fonds régional ESS », 20\u202f000\u00a0€ sollicités. Message : « Démarrage de la cuisine prévu en septembre. » Accordée le ${today()}.`,
    );
    await expect(mine.getByRole('button').count()).resolves.toBe(0);
    await page.locator('#financements li.funding[data-funding-id]', { hasText: 'Fonds régional ESS' }).getByText('18\u202f000\u00a0€ (versé : 0\u00a0€)').waitFor();

    // What the API recorded: the request granted, tied to the funding in the funder's name.
    const now = await requestsNow();
    expect(now.fundings).toEqual([{ fundingId: expect.any(String), funderOrganisationId: org.region, programme: 'Fonds régional ESS', amount: 18000 }]);
    expect(now.fundingRequests.find((x) => x.funderOrganisationId === org.region)).toMatchObject({ status: 'GRANTED', statusLabel: 'Accordée', fundingId: now.fundings[0].fundingId, closedAt: expect.any(String) });
    expect(now.fundingRequests.find((x) => x.funderOrganisationId === org.departement)).toMatchObject({ status: 'OPEN' });

    // The portfolio: nothing waits any more, and the cooperation is funded.
    await testbed.catchUp();
    await page.getByRole('link', { name: 'Mon portefeuille', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    await expect(page.getByTestId('solicitations-empty').textContent()).resolves.toBe('Aucune sollicitation en attente.');
    await page.waitForFunction(() => document.querySelector('[data-testid="portfolio-count"]')?.textContent === '1');
    expect(cspErrors).toEqual([]);

    // The member sees the request granted, with the funding.
    const member = await signedIn(EMAIL.member);
    await member.page.goto(`${base}/cooperations/${cooperationId}`);
    const line = requestLine(member.page, org.region, now.fundingRequests);
    await line.locator('.badge').getByText('Accordée').waitFor();
    await expect(line.getByRole('button').count()).resolves.toBe(0);
    await member.page.locator('#financements').getByTestId('funding-totals').getByText('18\u202f000\u00a0€ accordés').waitFor();
  });

  it('the local authority solicited declines with a reason and, no longer able to read the cooperation, goes back to its portfolio; the member sees « Déclinée » and the reason', async () => {
    const { page } = await signedIn(EMAIL.departement);
    const item = page.locator('#sollicitations li[data-cooperation-id]');
    await item.getByRole('link', { name: COOPERATION }).click();
    await page.getByTestId('cooperation-page').waitFor();
    const requests = (await requestsNow()).fundingRequests;
    const mine = requestLine(page, org.departement, requests);
    // The region's request, granted, is not the local authority's to answer.
    await expect(requestLine(page, org.region, requests).getByRole('button').count()).resolves.toBe(0);
    // A request with neither programme nor amount opens the grant form empty; cancelled, the focus is back on its « Accorder ».
    const grant = mine.getByRole('button', { name: 'Accorder un financement en réponse à la sollicitation' });
    await grant.click();
    const form = page.getByTestId('grant-form');
    await expect(form.getByLabel('Programme ou dispositif').inputValue()).resolves.toBe('');
    await expect(form.getByLabel('Montant accordé (€)').inputValue()).resolves.toBe('');
    await form.getByRole('button', { name: 'Annuler' }).click();
    await page.waitForFunction((id) => document.activeElement?.id === id, `accorder-${requests.find((x) => x.funderOrganisationId === org.departement)!.requestId}`);
    // « Accorder un financement » would answer that open request too, and says so.
    await page.getByRole('button', { name: 'Accorder un financement', exact: true }).click();
    await expect(form.getByTestId('grant-answering').textContent()).resolves.toBe(`Ce financement répondra à la sollicitation en attente du ${today()}.`);
    await form.getByRole('button', { name: 'Annuler' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Accorder un financement');

    const decline = mine.getByRole('button', { name: `Décliner la sollicitation adressée à ${NAME.departement}` });
    await decline.click();
    const declineForm = mine.getByTestId('decline-request-form');
    // One form at a time: granting closes the decline form, declining closes the grant form.
    await declineForm.waitFor();
    await grant.click();
    await form.waitFor();
    await expect(declineForm.count()).resolves.toBe(0);
    await expect(decline.getAttribute('aria-expanded')).resolves.toBe('false');
    await decline.click();
    await declineForm.waitFor();
    await expect(form.count()).resolves.toBe(0);
    await expect(grant.getAttribute('aria-expanded')).resolves.toBe('false');
    // A reason longer than the API accepts: said at the field, which keeps the focus; nothing sent.
    const sent = mutationsSent(page);
    const reasonField = declineForm.getByLabel('Raison (facultatif)');
    await reasonField.fill('r'.repeat(2001));
    await declineForm.getByRole('button', { name: 'Confirmer : décliner la sollicitation' }).click();
    const reasonError = declineForm.locator('.field__error');
    await reasonError.getByText('La raison compte au plus 2\u202f000 caractères (2\u202f001 pour l’instant).').waitFor();
    await expect(reasonField.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA' && document.activeElement.closest('[data-testid="decline-request-form"]') !== null);
    expect(sent).toEqual([]);
    await expect(declineForm.locator('.hint').textContent()).resolves.toBe(
      'La coopération verra votre réponse et la raison indiquée. Votre organisation ne la finançant pas, vous n’aurez ensuite plus accès à cette coopération.',
    );
    await declineForm.getByLabel('Raison (facultatif)').fill('Hors des priorités du fonds départemental en 2026.');
    await checkA11y(page, 'sollicitation-decliner', { strict: true });
    await declineForm.getByRole('button', { name: 'Confirmer : décliner la sollicitation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/financeur');
    await page.getByTestId('announce-polite').getByText(`Sollicitation de « ${COOPERATION} » déclinée : la coopération ne figure plus parmi vos sollicitations en attente.`).waitFor();
    expect(sent).toEqual(['DeclineFundingRequest']);
    // At once, the read model not caught up yet: the cooperation declined is no longer listed.
    await page.getByTestId('solicitations-empty').waitFor({ timeout: 5_000 });
    await expect(page.locator('#sollicitations li[data-cooperation-id]').count()).resolves.toBe(0);
    await testbed.catchUp();
    await page.reload();
    await page.getByTestId('solicitations-empty').waitFor();

    const now = await requestsNow();
    expect(now.fundingRequests.find((x) => x.funderOrganisationId === org.departement)).toMatchObject({
      status: 'DECLINED',
      statusLabel: 'Déclinée',
      reason: 'Hors des priorités du fonds départemental en 2026.',
      fundingId: null,
    });
    // Declined, the cooperation is no longer the local authority's to read.
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-error').getByText('Introuvable, ou vous n’y avez pas accès.').waitFor();

    const member = await signedIn(EMAIL.member);
    await member.page.goto(`${base}/cooperations/${cooperationId}`);
    const line = requestLine(member.page, org.departement, now.fundingRequests);
    await expect(lineText(line, NAME.departement)).resolves.toBe(
      `${NAME.departement} Déclinée — sollicitation du ${today()}. Déclinée le ${today()} : Hors des priorités du fonds départemental en 2026.`,
    );
    await expect(line.getByRole('button').count()).resolves.toBe(0);
    await expect(member.page.locator('#financements [data-request-id] .badge').allTextContents()).resolves.toEqual(['Accordée', 'Déclinée', 'Retirée']);
    await member.page.getByTestId('history').getByText('Sollicitation déclinée').waitFor();
    await checkA11y(member.page, 'sollicitations-issues', { strict: true });
    await shot(member.page, 'sollicitations-issues');
  });

  it('a funder never solicited, or whose request was withdrawn, cannot open the cooperation: the console says it is not found, and lists nothing waiting', async () => {
    for (const who of [EMAIL.banque, EMAIL.fondation]) {
      const { page } = await signedIn(who);
      await page.getByTestId('solicitations-empty').waitFor();
      await page.goto(`${base}/cooperations/${cooperationId}`);
      const error = page.getByTestId('cooperation-error');
      await error.waitFor();
      await expect(error.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Coopération indisponible');
      await expect(error.getByRole('alert').textContent()).resolves.toBe('Introuvable, ou vous n’y avez pas accès.');
      await expect(error.getByRole('link', { name: 'Revenir à mon portefeuille' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('cooperation-page').count()).resolves.toBe(0);
    }
  });

  it('a member’s programme or message too long is said at its field, nothing sent', async () => {
    const { page } = await signedIn(EMAIL.member);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.locator('#financements').getByRole('button', { name: 'Solliciter un financeur', exact: true }).click();
    const form = page.getByTestId('request-form');
    await form.getByRole('combobox', { name: 'Financeur sollicité' }).fill('banque');
    await page.getByRole('option', { name: /Banque des territoires/ }).click();
    await form.getByLabel('Programme ou dispositif (facultatif)').fill('p'.repeat(301));
    await form.getByLabel('Message au financeur (facultatif)').fill('m'.repeat(2001));
    const sent = mutationsSent(page);
    await form.getByRole('button', { name: 'Envoyer la sollicitation' }).click();
    await page.getByTestId('request-errors').waitFor();
    await expect(page.getByTestId('request-programme-erreur').textContent()).resolves.toBe('Le programme compte au plus 300 caractères (301 pour l’instant).');
    await expect(page.getByTestId('request-note-erreur').textContent()).resolves.toBe('Le message compte au plus 2\u202f000 caractères (2\u202f001 pour l’instant).');
    await expect(form.getByLabel('Message au financeur (facultatif)').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(sent).toEqual([]);
  });

  it('a funder whose request is withdrawn while its grant form is open is told, on submitting, that the cooperation is no longer available: no stale page, no uncaught error', async () => {
    const id = randomUUID();
    const proposed = await gql(`mutation($input: ProposeCooperationInput!) { proposeCooperation(input: $input) { version } }`, {
      input: { cooperationId: id, kind: 'GIE', name: 'Épicerie solidaire de Pantin', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.tremplin },
    }, memberHeaders);
    expect(proposed.errors).toBeUndefined();
    const requestId = randomUUID();
    const requested = await gql(`mutation($input: RequestFundingInput!) { requestFunding(input: $input) { version } }`, { input: { cooperationId: id, requestId, funderOrganisationId: org.banque, programme: 'Prêt solidaire' } }, memberHeaders);
    expect(requested.errors).toBeUndefined();
    await testbed.catchUp();

    const { page } = await signedIn(EMAIL.banque);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('cooperation-page').waitFor();
    await page.getByRole('button', { name: 'Accorder un financement en réponse à la sollicitation' }).click();
    const form = page.getByTestId('grant-form');
    await form.getByLabel('Montant accordé (€)').fill('10 000');
    await form.getByLabel('Début de la période').fill('2026-09-01');
    // Meanwhile, the member withdraws the request: the bank may no longer read the cooperation.
    const withdrawn = await gql(`mutation($input: WithdrawFundingRequestInput!) { withdrawFundingRequest(input: $input) { version } }`, { input: { cooperationId: id, requestId } }, memberHeaders);
    expect(withdrawn.errors).toBeUndefined();
    await form.getByRole('button', { name: 'Accorder le financement' }).click();
    const error = page.getByTestId('cooperation-error');
    await error.waitFor({ timeout: 15_000 });
    await expect(error.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Coopération indisponible');
    await expect(error.getByRole('link', { name: 'Revenir à mon portefeuille' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('cooperation-page').count()).resolves.toBe(0);
    await expect(page.getByTestId('grant-form').count()).resolves.toBe(0);
    await page.waitForTimeout(500);
    expect(pageErrors).toEqual([]);
  });
});
