/**
 * Editing an organisation of the directory in the console (Administration › Organisations), in a
 * real browser (Debian's Chromium through playwright-core) against the real API (createApp on a
 * fresh embedded-PostgreSQL database), served by the API itself at `/`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import { syntheticSiret } from '@maillage/demo-data';
import { BrowserTestbed, buildConsole, checkA11y as checkAxe, shot } from './browser-support';

jest.setTimeout(180_000);

const ADMIN_EMAIL = 'admin@organisations.test';
const NETWORK_EMAIL = 'reseau@organisations.test';

interface Entry {
  name: string;
  kind: string;
  ess: boolean;
  siret: string | null;
  regionCode: string;
  departementCode: string;
  version: number;
}

describe('editing the organisation directory in Chromium', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  let adminHeaders: Record<string, string>;
  /**
   * The console built from the current sources into a folder of this file's own, served through
   * MAILLAGE_CONSOLE_DIR: another browser test file may be rebuilding dist/console meanwhile.
   */
  const consoleDir = mkdtempSync(path.join(tmpdir(), 'maillage-console-organisations-'));
  const org = { regie: randomUUID(), envie: randomUUID(), tremplin: randomUUID(), grafie: randomUUID(), chantier: randomUUID(), atelier: randomUUID() };
  const siret = { regie: syntheticSiret(`console-regie-${org.regie}`), envie: syntheticSiret(`console-envie-${org.envie}`) };

  const register = (organisationId: string, name: string, kind: string, regionCode: string, departementCode: string, siretOf?: string) =>
    testbed.registerOrganisation(adminHeaders, { organisationId, name, kind, regionCode, departementCode, ...(siretOf ? { siret: siretOf } : {}) });
  const entry = async (id: string): Promise<Entry> => {
    const r = await gql<{ organisation: Entry }>(`query($id: ID!) { organisation(id: $id) { name kind ess siret regionCode departementCode version } }`, { id }, adminHeaders);
    expect(r.errors).toBeUndefined();
    return r.data!.organisation;
  };

  beforeAll(async () => {
    buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_organisations', { consoleDir }));
    adminHeaders = await testbed.createUser({ email: ADMIN_EMAIL, name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    await register(org.regie, 'Régie de quartier de Stains', 'REGIE', '11', '93', siret.regie);
    await register(org.envie, 'Envie 93', 'EI', '11', '93', siret.envie);
    await register(org.tremplin, 'Tremplin Travail', 'AI', '52', '49');
    await register(org.grafie, 'GRAFIE', 'NETWORK', '11', '75');
    await register(org.chantier, 'Chantier école Île-de-France', 'NETWORK', '11', '75');
    await register(org.atelier, 'Atelier partagé de Saint-Denis', 'ACI', '11', '93');
    await testbed.createUser({ email: NETWORK_EMAIL, name: 'Chargée de mission GRAFIE', role: 'NETWORK', organisationId: org.grafie, regions: ['11'] });
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  const newPage = () => testbed.newPage();
  const signIn = (page: Page, who: string) => testbed.signIn(page, who);
  const openDirectory = async (page: Page) => {
    await signIn(page, ADMIN_EMAIL);
    await page.goto(`${base}/administration/organisations`);
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByTestId('organisations-count').getByText(/^\d+ organisations trouvées\.$/).waitFor();
  };
  /** axe-core, strict (any violation fails), as for the other administration screens. */
  const checkA11y = (page: Page, name: string) => checkAxe(page, name, { strict: true });
  /** Waits until the focus is on the element `selector` names (the CSS selector of one element). */
  const focusOn = (page: Page, selector: string) =>
    page.waitForFunction((s) => document.activeElement !== null && document.activeElement === document.querySelector(s), selector, { timeout: 5_000 }).catch(async () => {
      throw new Error(`focus expected on ${selector}, found ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 160))}`);
    });
  const editButton = (id: string) => `[data-organisation-id="${id}"] [data-action="edit"]`;
  const row = (page: Page, id: string) => page.locator(`[data-organisation-id="${id}"]`);

  it('an ADMIN edits an organisation: errors at their field with the focus, the API refusing a SIRET already taken, then the change saved, listed and the old SIRET free', async () => {
    const { page, cspErrors } = await newPage();
    await openDirectory(page);
    const regie = row(page, org.regie);
    await expect(regie.locator('td').allTextContents()).resolves.toEqual(['Régie de quartier ou de territoire', 'Oui', siret.regie, 'Seine-Saint-Denis (Île-de-France)', '—', 'Modifier l’organisation Régie de quartier de Stains']);

    // The dialog opens on the organisation as listed, focus on its name; Escape gives the focus back.
    await page.getByRole('button', { name: 'Modifier l’organisation Régie de quartier de Stains' }).click();
    const dialog = page.getByTestId('edit-organisation-dialog');
    await dialog.getByRole('heading', { name: 'Modifier l’organisation « Régie de quartier de Stains »' }).waitFor();
    await focusOn(page, '#edit-org-name');
    await expect(dialog.getByLabel('Nom de l’organisation').inputValue()).resolves.toBe('Régie de quartier de Stains');
    await expect(dialog.getByLabel('Type d’organisation').inputValue()).resolves.toBe('REGIE');
    await expect(dialog.getByLabel('Région').inputValue()).resolves.toBe('11');
    await expect(dialog.getByLabel('Département').inputValue()).resolves.toBe('93');
    await expect(dialog.getByLabel('SIRET (facultatif)').inputValue()).resolves.toBe(siret.regie);
    await expect(dialog.getByLabel('Structure de l’économie sociale et solidaire (ESS)').isChecked()).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await focusOn(page, editButton(org.regie));

    // Checked in the browser: each message at its field, which takes the focus (the first one in error).
    await page.keyboard.press('Enter');
    await focusOn(page, '#edit-org-name');
    const name = dialog.getByLabel('Nom de l’organisation');
    await name.fill(' ');
    await dialog.getByLabel('Région').selectOption('52');
    await expect(dialog.getByLabel('Département').inputValue()).resolves.toBe('');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.getByTestId('edit-org-name-erreur').getByText('Indiquez le nom de l’organisation (2 caractères au moins).').waitFor();
    await dialog.getByTestId('edit-org-departement-erreur').getByText('Choisissez le département.').waitFor();
    await focusOn(page, '#edit-org-name');
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(name.getAttribute('aria-describedby')).resolves.toBe('edit-org-name-erreur');
    await expect(dialog.getByLabel('Département').getAttribute('aria-describedby')).resolves.toBe('edit-org-departement-erreur');
    await checkA11y(page, 'organisation-edit-errors');
    await name.fill('Régie de quartier Stains-Pierrefitte');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await focusOn(page, '#edit-org-departement');
    await dialog.getByLabel('Région').selectOption('11');
    await dialog.getByLabel('Département').selectOption('92');

    // Refused by the API: Envie 93 holds that SIRET. The message is at the field, which takes the focus; nothing is recorded.
    const siretField = dialog.getByLabel('SIRET (facultatif)');
    await siretField.fill(`${siret.envie.slice(0, 3)} ${siret.envie.slice(3, 6)} ${siret.envie.slice(6, 9)} ${siret.envie.slice(9)}`);
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.getByTestId('edit-org-siret-erreur').getByText('Ce SIRET est déjà celui d’une autre organisation de l’annuaire.').waitFor();
    await focusOn(page, '#edit-org-siret');
    await expect(siretField.getAttribute('aria-describedby')).resolves.toBe('edit-org-siret-aide edit-org-siret-erreur');
    await expect(dialog.getByTestId('edit-org-name-erreur').count()).resolves.toBe(0);
    expect(await entry(org.regie)).toMatchObject({ name: 'Régie de quartier de Stains', siret: siret.regie, version: 1 });
    await checkA11y(page, 'organisation-edit-api-refusal');
    await shot(page, '30-organisation-edit-refused');

    // Emptied, the SIRET is removed: saved, announced, listed, and the focus is back on the row's button.
    await siretField.fill('');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('announce-polite').getByText('Organisation « Régie de quartier Stains-Pierrefitte » modifiée.').waitFor();
    await row(page, org.regie).locator('th').getByText('Régie de quartier Stains-Pierrefitte').waitFor();
    await expect(regie.locator('td').allTextContents()).resolves.toEqual([
      'Régie de quartier ou de territoire',
      'Oui',
      '—',
      'Hauts-de-Seine (Île-de-France)',
      '—',
      'Modifier l’organisation Régie de quartier Stains-Pierrefitte',
    ]);
    await focusOn(page, editButton(org.regie));
    await checkA11y(page, 'organisations-with-actions');
    // Only what changed was recorded, in one event.
    expect(await entry(org.regie)).toEqual({ name: 'Régie de quartier Stains-Pierrefitte', kind: 'REGIE', ess: true, siret: null, regionCode: '11', departementCode: '92', version: 2 });
    // The SIRET it gave up is free for another organisation.
    await register(randomUUID(), 'Régie reprise', 'REGIE', '11', '93', siret.regie);
    await shot(page, '31-organisation-edited');
    expect(cspErrors).toEqual([]);
  });

  it('keeps what the operator typed through a change made meanwhile by someone else, and records nothing for an unchanged form', async () => {
    const { page } = await newPage();
    await openDirectory(page);
    await page.getByRole('button', { name: 'Modifier l’organisation Envie 93' }).click();
    const dialog = page.getByTestId('edit-organisation-dialog');
    await focusOn(page, '#edit-org-name');
    // Another operator renames it while the dialog is open.
    const other = await gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`, { input: { organisationId: org.envie, name: 'Envie Seine-Saint-Denis', expectedVersion: 1 } }, adminHeaders);
    expect(other.errors).toBeUndefined();
    // It left insertion: now a plain company, no longer of the ESS.
    await dialog.getByLabel('Type d’organisation').selectOption('COMPANY');
    await dialog.getByLabel('Structure de l’économie sociale et solidaire (ESS)').uncheck();
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    const failure = dialog.getByTestId('edit-organisation-failure');
    await failure.getByText(/Quelqu’un d’autre a modifié cette organisation pendant votre saisie/).waitFor();
    await dialog.getByTestId('edit-organisation-latest').getByText(/Dans l’annuaire maintenant : Envie Seine-Saint-Denis ; Entreprise d'insertion \(EI\) ; ESS : oui/).waitFor();
    // The name the other operator gave is now in the form; the type and ESS status typed here are kept.
    await expect(dialog.getByLabel('Nom de l’organisation').inputValue()).resolves.toBe('Envie Seine-Saint-Denis');
    await expect(dialog.getByLabel('Type d’organisation').inputValue()).resolves.toBe('COMPANY');
    await expect(dialog.getByLabel('Structure de l’économie sociale et solidaire (ESS)').isChecked()).resolves.toBe(false);
    expect(await entry(org.envie)).toMatchObject({ name: 'Envie Seine-Saint-Denis', kind: 'EI', ess: true, version: 2 });
    await checkA11y(page, 'organisation-edit-conflict');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('announce-polite').getByText('Organisation « Envie Seine-Saint-Denis » modifiée.').waitFor();
    expect(await entry(org.envie)).toMatchObject({ name: 'Envie Seine-Saint-Denis', kind: 'COMPANY', ess: false, siret: siret.envie, version: 3 });
    await focusOn(page, editButton(org.envie));

    // Unchanged: nothing is sent, it says so.
    await page.getByRole('button', { name: 'Modifier l’organisation Tremplin Travail' }).click();
    await page.getByTestId('edit-organisation-dialog').getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByTestId('announce-polite').getByText('Aucune modification : l’organisation « Tremplin Travail » est inchangée.').waitFor();
    await focusOn(page, editButton(org.tremplin));
    expect((await entry(org.tremplin)).version).toBe(1);
  });

  it('lists an organisation just registered as new, ready to be edited', async () => {
    const { page } = await newPage();
    await openDirectory(page);
    const form = page.getByTestId('register-organisation-form');
    await form.getByLabel('Nom de l’organisation').fill('Les Jardins de Saint-Ouen');
    await form.getByLabel('Type d’organisation').selectOption('SCIC');
    await form.getByLabel('Région').selectOption('11');
    await form.getByLabel('Département').selectOption('93');
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await page.getByTestId('announce-polite').getByText('Organisation « Les Jardins de Saint-Ouen » enregistrée dans l’annuaire.').waitFor();
    await page.getByTestId('organisations-count').getByText('1 organisation trouvée.').waitFor();
    const added = page.getByTestId('organisations-table').getByRole('row', { name: /Les Jardins de Saint-Ouen/ });
    await expect(added.getByText('nouvelle').count()).resolves.toBe(1);
    await added.getByRole('button', { name: 'Modifier l’organisation Les Jardins de Saint-Ouen' }).click();
    await expect(page.getByTestId('edit-organisation-dialog').getByLabel('Type d’organisation').inputValue()).resolves.toBe('SCIC');
  });

  it('an ADMIN chooses the networks of an organisation among the networks of the directory: only they are sent, listed by name; more than 20 and a network that is no longer one are refused at the field', async () => {
    const { page, cspErrors } = await newPage();
    const updates: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      const body = request.url().endsWith('/graphql') ? (request.postDataJSON() as { operationName?: string; variables?: { input?: Record<string, unknown> } } | null) : null;
      if (body?.operationName === 'UpdateOrganisation' && body.variables?.input) updates.push(body.variables.input);
    });
    await openDirectory(page);
    const atelier = row(page, org.atelier);
    await expect(atelier.locator('td').nth(4).textContent()).resolves.toBe('—');
    await page.getByRole('button', { name: 'Modifier l’organisation Atelier partagé de Saint-Denis' }).click();
    const dialog = page.getByTestId('edit-organisation-dialog');
    const networks = dialog.getByRole('group', { name: 'Réseaux dont elle est membre (20 au plus)' });
    // The organisations of kind NETWORK, by name, none ticked.
    await expect(networks.getByRole('checkbox').evaluateAll((boxes: HTMLInputElement[]) => boxes.map((b) => [b.labels?.[0]?.textContent, b.checked]))).resolves.toEqual([
      ['Chantier école Île-de-France', false],
      ['GRAFIE', false],
    ]);
    await networks.getByLabel('GRAFIE').check();
    await networks.getByLabel('Chantier école Île-de-France').check();
    await checkA11y(page, 'organisation-edit-networks');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('announce-polite').getByText('Organisation « Atelier partagé de Saint-Denis » modifiée.').waitFor();
    // Only the networks changed, so only they were sent, in the order ticked; the list names them.
    expect(updates.map((input) => Object.keys(input).sort())).toEqual([['expectedVersion', 'idempotencyKey', 'networkIds', 'organisationId']]);
    expect(updates[0].networkIds).toEqual([org.grafie, org.chantier]);
    await atelier.locator('td').nth(4).getByText('GRAFIE, Chantier école Île-de-France').waitFor();
    await focusOn(page, editButton(org.atelier));
    const networksOf = async (id: string) => {
      const r = await gql<{ organisation: { networkIds: string[]; version: number } }>(`query($id: ID!) { organisation(id: $id) { networkIds version } }`, { id }, adminHeaders);
      return r.data!.organisation;
    };
    await expect(networksOf(org.atelier)).resolves.toEqual({ networkIds: [org.grafie, org.chantier], version: 2 });

    // Opened again: ticked as recorded. GRAFIE left: the one kept stays.
    await page.keyboard.press('Enter');
    await expect(networks.getByLabel('GRAFIE').isChecked()).resolves.toBe(true);
    await expect(networks.getByLabel('Chantier école Île-de-France').isChecked()).resolves.toBe(true);
    await networks.getByLabel('GRAFIE').uncheck();
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await dialog.waitFor({ state: 'detached' });
    await atelier.locator('td').nth(4).getByText('Chantier école Île-de-France', { exact: true }).waitFor();
    expect(updates[1]).toMatchObject({ networkIds: [org.chantier], expectedVersion: 2 });
    await expect(networksOf(org.atelier)).resolves.toEqual({ networkIds: [org.chantier], version: 3 });

    // More than 20: said at the field, which takes the focus; nothing sent.
    const territorial = Array.from({ length: 20 }, () => randomUUID());
    for (const [i, id] of territorial.entries()) await register(id, `Réseau territorial ${String(i + 1).padStart(2, '0')}`, 'NETWORK', '11', '75');
    await testbed.catchUp();
    await focusOn(page, editButton(org.atelier));
    await page.keyboard.press('Enter');
    await networks.getByLabel('Réseau territorial 20').waitFor();
    for (let i = 1; i <= 20; i++) await networks.getByLabel(`Réseau territorial ${String(i).padStart(2, '0')}`).check();
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    const message = dialog.locator('#edit-org-networks-erreur');
    await message.getByText('Une organisation appartient à 20 réseaux au plus : décochez-en 1.').waitFor();
    await focusOn(page, '#edit-org-networks');
    await expect(networks.getAttribute('aria-describedby')).resolves.toBe('edit-org-networks-erreur');
    await checkA11y(page, 'organisation-edit-networks-too-many');
    expect(updates).toHaveLength(2);

    // A network that another operator made something else meanwhile: the API's refusal, at the field, naming it.
    const other = await gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`, { input: { organisationId: territorial[0], kind: 'ASSOCIATION' } }, adminHeaders);
    expect(other.errors).toBeUndefined();
    for (let i = 2; i <= 20; i++) await networks.getByLabel(`Réseau territorial ${String(i).padStart(2, '0')}`).uncheck();
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await message.getByText('« Réseau territorial 01 » n’est pas une organisation de type réseau, ou c’est l’organisation elle-même : décochez-le.').waitFor();
    await focusOn(page, '#edit-org-networks');
    expect(updates).toHaveLength(3);
    await expect(networksOf(org.atelier)).resolves.toEqual({ networkIds: [org.chantier], version: 3 });
    await checkA11y(page, 'organisation-edit-networks-refused');
    await shot(page, '32-organisation-networks-refused');
    // Unticked, nothing else changed.
    await networks.getByLabel('Réseau territorial 01').uncheck();
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByTestId('announce-polite').getByText('Aucune modification : l’organisation « Atelier partagé de Saint-Denis » est inchangée.').waitFor();
    expect(cspErrors).toEqual([]);
  });

  it('offers the whole directory to operators only: a network gets the organisations of its région, outside the Administration area, editing neither networks nor its own entry', async () => {
    const { page } = await newPage();
    await signIn(page, NETWORK_EMAIL);
    await page.goto(`${base}/administration/organisations`);
    await page.getByRole('heading', { level: 1, name: 'Organisations de vos régions' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/organisations');
    await expect(page.getByRole('navigation', { name: 'Administration' }).count()).resolves.toBe(0);
    await page.getByTestId('organisations-count').getByText(/^\d+ organisations trouvées\.$/).waitFor();
    // Île-de-France only.
    const places = await page.getByTestId('organisations-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[3]?.textContent ?? ''));
    expect(places.length).toBeGreaterThan(0);
    expect(places.filter((p) => !p.endsWith('(Île-de-France)'))).toEqual([]);
    // Its own entry and the networks: no « Modifier »; a structure of its région: « Modifier ».
    await expect(row(page, org.grafie).locator('[data-action="edit"]').count()).resolves.toBe(0);
    await expect(row(page, org.grafie).getByTestId('not-editable').textContent()).resolves.toBe('Votre organisation : modifiable par un opérateur');
    await expect(row(page, org.chantier).locator('[data-action="edit"]').count()).resolves.toBe(0);
    await expect(row(page, org.chantier).getByTestId('not-editable').textContent()).resolves.toBe('Financeurs et réseaux : modifiables par un opérateur');
    await page.locator(editButton(org.atelier)).click();
    const dialog = page.getByTestId('edit-organisation-dialog');
    await focusOn(page, '#edit-org-name');
    await expect(dialog.locator('#edit-org-region option').allTextContents()).resolves.toEqual(['Île-de-France']);
    await expect(dialog.locator('#edit-org-kind option').allTextContents()).resolves.not.toContain('Financeur');
    await checkA11y(page, 'organisation-edit-network');
  });
});
