/**
 * What the creation wizard keeps, in a real browser (Debian's Chromium through playwright-core)
 * against the real API: a bid deadline partly typed survives going back a step, and what the wizard
 * left in the tab's storage for the cooperation page is ignored (and dropped) when it is unreadable.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import { BrowserTestbed, buildConsole, checkA11y } from './browser-support';

jest.setTimeout(180_000);

const MEMBER_EMAIL = 'membre@wizard.test';
const INCOMPLETE_DATE = 'Date incomplète : saisissez le jour, le mois et l’année.';

describe('the creation wizard’s drafts in Chromium', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  let memberHeaders: Record<string, string>;
  /** Built into a folder of this file's own (another browser file may be rebuilding dist/console). */
  const consoleDir = mkdtempSync(path.join(tmpdir(), 'maillage-console-wizard-'));
  const tremplin = randomUUID();

  beforeAll(async () => {
    buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_wizard', { consoleDir }));
    const admin = await testbed.createUser({ email: 'admin@wizard.test', name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    await testbed.registerOrganisation(admin, { organisationId: tremplin, name: 'Tremplin Travail', kind: 'AI', regionCode: '11', departementCode: '93' });
    memberHeaders = await testbed.createUser({ email: MEMBER_EMAIL, name: 'Camille Tremplin', role: 'MEMBER', organisationId: tremplin, regions: [] });
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  /** A page signed in as the member, with the errors its scripts throw. */
  const memberPage = async () => {
    const { page } = await testbed.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await testbed.signIn(page, MEMBER_EMAIL);
    return { page, pageErrors };
  };
  const heading = (page: Page, text: string) => page.getByRole('heading', { level: 2, name: text }).waitFor();
  /** The deadline field's value and whether Chromium holds part of a date in it. */
  const deadline = (page: Page) => page.locator('#w-deadline').evaluate((el: HTMLInputElement) => [el.value, el.validity.badInput]);

  it('keeps a bid deadline partly typed when the user goes back a step and comes back: still refused as incomplete, then completed from what was typed', async () => {
    const { page, pageErrors } = await memberPage();
    await page.goto(`${base}/cooperations/nouvelle`);
    await page.getByLabel("Groupement momentané d'entreprises (GME)").check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Nom de la coopération').fill('Entretien des parcs de Stains');
    await page.getByLabel('Mutualisation de coûts et de moyens').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByLabel('Région').selectOption('11');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await heading(page, 'Étape 4 sur 5 : Précisions');
    await page.getByLabel('Le marché visé est déjà identifié').check();
    await page.getByLabel('Acheteur').fill('Ville de Stains');
    // Day and month typed, not the year: Chromium gives the field no value.
    const field = page.locator('#w-deadline');
    await field.focus();
    await page.keyboard.type('1109');
    await expect(deadline(page)).resolves.toEqual(['', true]);

    await page.getByRole('button', { name: 'Précédent' }).click();
    await heading(page, 'Étape 3 sur 5 : Territoire');
    await expect(page.getByLabel('Date limite de remise des offres').isVisible()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Suivant' }).click();
    await heading(page, 'Étape 4 sur 5 : Précisions');
    // What was typed is still there: the field still holds part of a date, and the step says so.
    await expect(page.getByLabel('Acheteur').inputValue()).resolves.toBe('Ville de Stains');
    await expect(deadline(page)).resolves.toEqual(['', true]);
    await page.getByLabel('Code CPV (8 chiffres)').fill('77310000');
    await page.getByLabel('Montant hors taxes (€)').fill('90 000');
    await page.getByLabel('Durée (mois)').fill('12');
    await page.getByLabel('Marché réservé aux SIAE').check();
    await page.getByRole('button', { name: 'Suivant' }).click();
    await expect(page.getByTestId('wizard-errors').locator('li').allTextContents()).resolves.toEqual([INCOMPLETE_DATE]);
    await expect(page.getByTestId('w-deadline-erreur').textContent()).resolves.toBe(INCOMPLETE_DATE);
    await heading(page, 'Étape 4 sur 5 : Précisions');

    // Its two first parts are the ones typed before going back (11 and 09, day and month in the
    // order of the browser's own format): the year alone completes it.
    const year = new Date().getFullYear() + 1;
    await field.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type(String(year));
    const [whole, incomplete] = (await deadline(page)) as [string, boolean];
    expect({ whole, incomplete }).toEqual({ whole: expect.stringMatching(new RegExp(`^${year}-(09-11|11-09)$`)) as unknown, incomplete: false });
    await page.getByRole('button', { name: 'Suivant' }).click();
    await heading(page, 'Étape 5 sur 5 : Vérification');
    await expect(page.getByTestId('wizard-summary').textContent()).resolves.toMatch(new RegExp(`remise des offres le (11 septembre|9 novembre) ${year}`));
    // Back from the review: the step shows the whole date.
    await page.getByRole('button', { name: 'Précédent' }).click();
    await heading(page, 'Étape 4 sur 5 : Précisions');
    await expect(deadline(page)).resolves.toEqual([whole, false]);
    await checkA11y(page, 'wizard-deadline-kept');
    expect(pageErrors).toEqual([]);
  });

  it('ignores, and drops, what the wizard left in the tab’s storage when it is unreadable: the cooperation page opens as if nothing had been left', async () => {
    const cooperationId = randomUUID();
    const proposed = await gql(`mutation($input: ProposeCooperationInput!) { proposeCooperation(input: $input) { version } }`, {
      input: { cooperationId, kind: 'GME', name: 'Nettoyage des écoles de Stains', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: tremplin },
    }, memberHeaders);
    expect(proposed.errors).toBeUndefined();
    const key = `maillage.creation-inachevee.${cooperationId}`;
    const { page, pageErrors } = await memberPage();
    const corrupt = [
      '{"notes":"Le marché visé n’a pas été enregistré."}', // notes not a list
      '{"notes":["Le marché visé n’a pas été', // cut short
      '{"notes":[],"market":{"draft":{"buyerName":"Ville"},"reason":"Refusé","field":null}}', // a market draft missing its fields
      'null',
      '[]',
    ];
    for (const value of corrupt) {
      await page.evaluate(([k, v]) => sessionStorage.setItem(k, v), [key, value]);
      await page.goto(`${base}/cooperations/${cooperationId}`);
      await page.getByTestId('cooperation-page').waitFor();
      await page.getByRole('heading', { level: 1, name: 'Nettoyage des écoles de Stains' }).waitFor();
      expect({ value, notice: await page.getByTestId('creation-unfinished').count() }).toEqual({ value, notice: 0 });
      // The market form starts from nothing recorded, not from the unreadable draft.
      expect({ value, buyer: await page.locator('#m-buyer').inputValue().catch(() => null) }).toEqual({ value, buyer: expect.not.stringContaining('Ville') as unknown });
      expect({ value, kept: await page.evaluate((k) => sessionStorage.getItem(k), key) }).toEqual({ value, kept: null });
      expect({ value, pageErrors }).toEqual({ value, pageErrors: [] });
    }

    // What the wizard writes is still read: the note and the market typed come back.
    const draft = { buyerName: 'Ville de Stains', cpvCode: '90911200', amount: '50 000', duration: '12', procedures: ['RESERVED_SIAE'], bidDeadline: '' };
    const kept = { notes: ['Le marché visé n’a pas été enregistré. Motif : essai.'], market: { draft, reason: 'essai', field: null } };
    await page.evaluate(([k, v]) => sessionStorage.setItem(k, v), [key, JSON.stringify(kept)]);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.getByTestId('creation-unfinished').getByText('Le marché visé n’a pas été enregistré. Motif : essai.').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
