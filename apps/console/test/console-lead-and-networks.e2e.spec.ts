/**
 * In a real browser (Debian's Chromium through playwright-core) against the real API (createApp on a
 * fresh embedded-PostgreSQL database), serving a console built from the current sources into a folder
 * of this file's own: the lead organisation hands the steering over (« Transmettre le pilotage »),
 * after which the new lead's users have the lead's actions and the former lead's do not; a network
 * registers and edits the organisations of its région from the console, without the funder and
 * network kinds or another région; the reopen, abandon and close forms say what is missing at their
 * field instead of a greyed-out button.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { graphqlClient } from '@maillage/testing';
import { ORGANISATION_KINDS, organisationKindLabelsFr } from '@maillage/domain';
import { BrowserTestbed, buildConsole, checkA11y, focusedId, mutationsSent, recorded, waitForFocus, shot } from './browser-support';

jest.setTimeout(240_000);

const ADMIN = 'admin@pilotage.test';
const LEAD = 'camille@pilotage.test';
const PARTNER = 'dominique@pilotage.test';
const NETWORK = 'reseau@pilotage.test';

describe('handing the lead over, networks managing their organisations, forms saying what is missing, in Chromium', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  let adminHeaders: Record<string, string>;
  let leadHeaders: Record<string, string>;
  /** Built into a folder of this file's own; `LEAD_NETWORKS_CONSOLE_DIR` runs it against a console built elsewhere (an older build, to see it fail). */
  const consoleDir = process.env.LEAD_NETWORKS_CONSOLE_DIR ?? mkdtempSync(path.join(tmpdir(), 'maillage-console-lead-'));
  const org = {
    tremplin: randomUUID(),
    petitPlus: randomUUID(),
    atelier: randomUUID(),
    grafie: randomUUID(),
    region: randomUUID(),
    rennes: randomUUID(),
  };

  beforeAll(async () => {
    if (!process.env.LEAD_NETWORKS_CONSOLE_DIR) buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_lead_networks', { consoleDir }));
    adminHeaders = await testbed.createUser({ email: ADMIN, name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    const register = (organisationId: string, name: string, kind: string, regionCode: string, departementCode: string) =>
      testbed.registerOrganisation(adminHeaders, { organisationId, name, kind, regionCode, departementCode });
    await register(org.tremplin, 'Tremplin Travail', 'AI', '11', '93');
    await register(org.petitPlus, 'Le Petit Plus', 'EA', '11', '92');
    await register(org.atelier, 'Atelier partagé de Saint-Denis', 'ACI', '11', '93');
    await register(org.grafie, 'GRAFIE', 'NETWORK', '11', '75');
    await register(org.region, "Conseil régional d'Île-de-France", 'FUNDER', '11', '75');
    await register(org.rennes, 'Régie de quartier de Rennes', 'REGIE', '53', '35');
    leadHeaders = await testbed.createUser({ email: LEAD, name: 'Camille Tremplin', role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    await testbed.createUser({ email: PARTNER, name: 'Dominique Petit Plus', role: 'MEMBER', organisationId: org.petitPlus, regions: [] });
    await testbed.createUser({ email: NETWORK, name: 'Chargée de mission GRAFIE', role: 'NETWORK', organisationId: org.grafie, regions: ['11'] });
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    if (!process.env.LEAD_NETWORKS_CONSOLE_DIR) rmSync(consoleDir, { recursive: true, force: true });
  });

  const send = async (mutation: string, input: Record<string, unknown>, headers = leadHeaders) => {
    const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
    const r = await gql(`mutation($input: ${type}!) { ${mutation}(input: $input) { version } }`, { input }, headers);
    expect(r.errors).toBeUndefined();
  };
  /** A GIE proposed by Tremplin Travail, which Le Petit Plus joins. */
  const proposeGie = async (name: string) => {
    const id = randomUUID();
    await send('proposeCooperation', { cooperationId: id, kind: 'GIE', name, objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.tremplin });
    await send('addMember', { cooperationId: id, organisationId: org.petitPlus });
    return id;
  };
  type Gate = { stage: string; gate: { items: { id: string; status: string; advisory: boolean; deliverableKinds: string[] }[] } };
  const gateOf = async (id: string) => {
    const r = await gql<{ cooperation: Gate }>(`query($id: ID!) { cooperation(id: $id) { stage gate { items { id status advisory deliverableKinds } } } }`, { id }, adminHeaders);
    expect(r.errors).toBeUndefined();
    return r.data!.cooperation;
  };
  /** Brings a cooperation to `stage`: each missing item met by its first deliverable, or waived. */
  const advanceByApi = async (id: string, stage: string) => {
    for (let coop = await gateOf(id); coop.stage !== stage; coop = await gateOf(id)) {
      for (const item of coop.gate.items.filter((i) => i.status === 'MISSING' && !i.advisory)) {
        if (item.deliverableKinds.length) await send('recordDeliverable', { cooperationId: id, kind: item.deliverableKinds[0] });
        else await send('waiveGateItem', { cooperationId: id, itemId: item.id, justification: 'Point examiné en comité de pilotage.' });
      }
      await send('advanceStage', { cooperationId: id });
    }
  };
  const cooperation = async (id: string) => {
    const r = await gql<{ cooperation: { leadOrganisationId: string; stage: string; members: { organisationId: string }[] } }>(
      `query($id: ID!) { cooperation(id: $id) { leadOrganisationId stage members { organisationId } } }`,
      { id },
      adminHeaders,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.cooperation;
  };
  const signedIn = async (who: string) => {
    const { page, cspErrors } = await testbed.newPage();
    await testbed.signIn(page, who);
    return { page, cspErrors };
  };
  const openCooperation = async (page: Page, id: string) => {
    await page.goto(`${base}/cooperations/${id}`);
    await page.getByTestId('members-table').waitFor();
  };
  /** The members table's rows: name cell text (with its badges) by organisation. */
  const leadBadgeOn = (page: Page) => page.getByTestId('members-table').locator('tbody tr', { has: page.locator('.badge', { hasText: 'Porteuse' }) }).getAttribute('data-member-id');
  const optionsOf = (page: Page, selector: string) => page.locator(`${selector} option`).allTextContents();

  it('the lead hands the lead over to another member: the new lead then has the lead’s actions, the former lead neither them nor the steering, and may be removed', async () => {
    const id = await proposeGie('GIE Blanchisserie solidaire de Saint-Denis');
    await send('addMember', { cooperationId: id, organisationId: org.atelier });
    await testbed.catchUp();

    // The partner's user does not lead: no hand-over, the lifecycle unavailable with its reason.
    const partner = await signedIn(PARTNER);
    await openCooperation(partner.page, id);
    await expect(leadBadgeOn(partner.page)).resolves.toBe(org.tremplin);
    await expect(partner.page.getByRole('button', { name: 'Transmettre le pilotage' }).count()).resolves.toBe(0);
    await expect(partner.page.locator('#abandon').getAttribute('aria-disabled')).resolves.toBe('true');

    // The lead's user: two tabs on the page (the second will be out of date).
    const lead = await signedIn(LEAD);
    const sent = mutationsSent(lead.page);
    await openCooperation(lead.page, id);
    const stale = await lead.page.context().newPage();
    await openCooperation(stale, id);
    await expect(leadBadgeOn(lead.page)).resolves.toBe(org.tremplin);
    await expect(lead.page.locator('#abandon').getAttribute('aria-disabled')).resolves.toBeNull();
    // The lead cannot be removed: no « Retirer » on its row.
    await expect(lead.page.getByRole('button', { name: 'Retirer Tremplin Travail' }).count()).resolves.toBe(0);

    const open = lead.page.getByRole('button', { name: 'Transmettre le pilotage' });
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('false');
    await open.click();
    await expect(open.getAttribute('aria-expanded')).resolves.toBe('true');
    const form = lead.page.getByTestId('handover-form');
    await waitForFocus(lead.page, 'handover-organisation');
    // Only the other members are offered.
    await expect(optionsOf(lead.page, '#handover-organisation')).resolves.toEqual(['Choisir parmi les membres', 'Le Petit Plus', 'Atelier partagé de Saint-Denis']);
    // Nothing chosen: said in the error summary (focused) and at the field; nothing sent.
    await form.getByRole('button', { name: 'Confirmer la transmission du pilotage' }).click();
    const summary = lead.page.getByTestId('handover-errors');
    await summary.getByText('Choisissez la structure membre qui prend le pilotage.').waitFor();
    await lead.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'handover-errors', null, { timeout: 5_000 });
    await expect(lead.page.locator('#handover-organisation').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(lead.page.locator('#handover-organisation').getAttribute('aria-describedby')).resolves.toBe('handover-aide handover-organisation-erreur');
    await checkA11y(lead.page, 'transmettre-pilotage-erreurs', { strict: true });
    expect(sent).toEqual([]);
    // « Annuler » closes the form and gives the focus back to its button.
    await form.getByRole('button', { name: 'Annuler' }).click();
    await waitForFocus(lead.page, 'handover-open');
    await expect(lead.page.getByTestId('handover-form').count()).resolves.toBe(0);

    // The partner's page is out of date once the lead is handed over: a reason, then recorded.
    await open.click();
    await lead.page.getByLabel('Structure qui prend le pilotage').selectOption({ label: 'Le Petit Plus' });
    await lead.page.getByLabel('Raison (facultatif)').fill('Tremplin Travail se retire du projet de blanchisserie.');
    await recorded(lead.page, () => form.getByRole('button', { name: 'Confirmer la transmission du pilotage' }).click());
    expect(sent).toEqual(['HandOverLead']);
    await lead.page.getByTestId('announce-polite').getByText('Le Petit Plus pilote désormais la coopération. Tremplin Travail en reste membre.').waitFor();
    // The page shows the new lead; the focus is on its row; the former lead's lead-only actions are gone.
    await expect(leadBadgeOn(lead.page)).resolves.toBe(org.petitPlus);
    await waitForFocus(lead.page, `membre-${org.petitPlus}`);
    await expect(lead.page.getByRole('button', { name: 'Transmettre le pilotage' }).count()).resolves.toBe(0);
    await expect(lead.page.locator('#abandon').getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(lead.page.locator('#abandon-reason').textContent()).resolves.toBe('Seuls la structure porteuse et le mandataire peuvent faire avancer la coopération.');
    // Tremplin Travail stays a member, and may now be removed; Le Petit Plus may not.
    await lead.page.getByRole('button', { name: 'Retirer Tremplin Travail' }).waitFor();
    await expect(lead.page.getByRole('button', { name: 'Retirer Le Petit Plus' }).count()).resolves.toBe(0);
    const after = await cooperation(id);
    expect(after.leadOrganisationId).toBe(org.petitPlus);
    expect(after.members.map((m) => m.organisationId).sort()).toEqual([org.tremplin, org.petitPlus, org.atelier].sort());
    const history = await gql<{ history: { label: string; details: string | null }[] }>(`query($id: ID!) { history(cooperationId: $id) { label details } }`, { id }, adminHeaders);
    expect(history.errors).toBeUndefined();
    expect(history.data!.history.at(-1)!.label).toBe('Pilotage transmis');
    await shot(lead.page, 'pilotage-transmis');

    // The second tab, still showing the former lead's form: the API refuses, said aloud; the page
    // reloads and no longer offers the hand-over; the lead is unchanged.
    await stale.getByRole('button', { name: 'Transmettre le pilotage' }).click();
    await stale.getByLabel('Structure qui prend le pilotage').selectOption({ label: 'Atelier partagé de Saint-Denis' });
    await stale.getByRole('button', { name: 'Confirmer la transmission du pilotage' }).click();
    await stale
      .getByTestId('announce-alert')
      .getByText('Votre rôle ne permet pas cette action : seule la structure porteuse transmet le pilotage de la coopération.')
      .waitFor();
    await stale.getByRole('button', { name: 'Retirer Tremplin Travail' }).waitFor();
    await expect(stale.getByRole('button', { name: 'Transmettre le pilotage' }).count()).resolves.toBe(0);
    await waitForFocus(stale, 'membres-titre');
    await expect(cooperation(id).then((c) => c.leadOrganisationId)).resolves.toBe(org.petitPlus);

    // The new lead's user now has the lead's actions, and removes the former lead.
    await openCooperation(partner.page, id);
    await expect(leadBadgeOn(partner.page)).resolves.toBe(org.petitPlus);
    await partner.page.getByRole('button', { name: 'Transmettre le pilotage' }).waitFor();
    await expect(partner.page.locator('#abandon').getAttribute('aria-disabled')).resolves.toBeNull();
    await partner.page.getByRole('button', { name: 'Retirer Tremplin Travail' }).click();
    await recorded(partner.page, () => partner.page.getByRole('button', { name: 'Confirmer le retrait' }).click());
    await expect(cooperation(id).then((c) => c.members.map((m) => m.organisationId).sort())).resolves.toEqual([org.petitPlus, org.atelier].sort());
    // The new lead may hand it over in turn: Atelier is offered, itself not.
    await partner.page.getByRole('button', { name: 'Transmettre le pilotage' }).click();
    await expect(optionsOf(partner.page, '#handover-organisation')).resolves.toEqual(['Choisir parmi les membres', 'Atelier partagé de Saint-Denis']);
    expect(lead.cspErrors).toEqual([]);
    expect(partner.cspErrors).toEqual([]);
  });

  it('a lead without another member is told that the steering goes to another member', async () => {
    const id = randomUUID();
    await send('proposeCooperation', { cooperationId: id, kind: 'GIE', name: 'GIE Vélos de Bobigny', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.tremplin });
    const { page } = await signedIn(LEAD);
    await openCooperation(page, id);
    const button = page.getByRole('button', { name: 'Transmettre le pilotage' });
    await expect(button.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.locator('#handover-open-reason').textContent()).resolves.toBe('Le pilotage se transmet à une autre structure membre : ajoutez-la d’abord aux membres.');
    // Focusable, aria-disabled: a click opens nothing.
    await button.click({ force: true });
    await expect(page.getByTestId('handover-form').count()).resolves.toBe(0);
  });

  it('a network registers an organisation of its région from the console, never a funder or a network nor in another région, and edits one', async () => {
    const { page, cspErrors } = await signedIn(NETWORK);
    const sent = mutationsSent(page);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisations de vos régions' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/organisations');
    await expect(page.getByTestId('organisations-scope').textContent()).resolves.toContain('les organisations de votre région (Île-de-France)');
    // The directory of its région only (Rennes is elsewhere), the région filter holding it alone.
    const count = page.getByTestId('organisations-count');
    await count.getByText('5 organisations trouvées.').waitFor();
    const names = () => page.getByTestId('organisations-table').locator('tbody th').allTextContents();
    await expect(names()).resolves.toEqual(['Atelier partagé de Saint-Denis', "Conseil régional d'Île-de-France", 'GRAFIE', 'Le Petit Plus', 'Tremplin Travail']);
    await expect(optionsOf(page, '#o-region')).resolves.toEqual(['Île-de-France']);
    // « Modifier » only where the API lets a network change the entry.
    const row = (name: string) => page.getByTestId('organisations-table').getByRole('row', { name: new RegExp(name) });
    await expect(row('GRAFIE').getByTestId('not-editable').textContent()).resolves.toBe('Votre organisation : modifiable par un opérateur');
    await expect(row('Conseil régional').getByTestId('not-editable').textContent()).resolves.toBe('Financeurs et réseaux : modifiables par un opérateur');
    await expect(page.getByRole('button', { name: /^Modifier/ }).count()).resolves.toBe(3);
    await checkA11y(page, 'organisations-reseau', { strict: true });

    // The registration form: no funder, no network, its région only (already chosen).
    const form = page.getByTestId('register-organisation-form');
    const kinds = await optionsOf(page, '#org-kind');
    expect(kinds).toEqual(['Choisir', ...ORGANISATION_KINDS.filter((k) => k !== 'FUNDER' && k !== 'NETWORK').map((k) => organisationKindLabelsFr[k])]);
    expect(kinds).not.toContain(organisationKindLabelsFr.FUNDER);
    expect(kinds).not.toContain(organisationKindLabelsFr.NETWORK);
    await expect(optionsOf(page, '#org-region')).resolves.toEqual(['Choisir une région', 'Île-de-France']);
    await expect(page.locator('#org-region').inputValue()).resolves.toBe('11');
    await form.getByLabel('Nom de l’organisation').fill('Les Jardins de Pantin');
    await form.getByLabel('Type d’organisation').selectOption('SCIC');
    await form.getByLabel('Département').selectOption('93');
    await form.getByRole('button', { name: 'Enregistrer l’organisation' }).click();
    await page.getByTestId('announce-polite').getByText('Organisation « Les Jardins de Pantin » enregistrée dans l’annuaire.').waitFor();
    const added = row('Les Jardins de Pantin');
    await added.getByText('nouvelle').waitFor();
    expect(sent).toEqual(['RegisterOrganisation']);
    const found = await gql<{ organisations: { name: string; kind: string; ess: boolean; regionCode: string; departementCode: string }[] }>(
      `query { organisations(search: "jardins de pantin") { name kind ess regionCode departementCode } }`,
      {},
      adminHeaders,
    );
    expect(found.data).toEqual({ organisations: [{ name: 'Les Jardins de Pantin', kind: 'SCIC', ess: true, regionCode: '11', departementCode: '93' }] });

    // Editing an entry: the same kinds but local authority (solicitable for funding: no kind changes
    // to or from it by a network) and its région; moved to another département of the région.
    await added.getByRole('button', { name: /^Modifier/ }).click();
    const dialog = page.getByTestId('edit-organisation-dialog');
    await waitForFocus(page, 'edit-org-name');
    await expect(optionsOf(page, '#edit-org-kind')).resolves.toEqual(
      ORGANISATION_KINDS.filter((k) => k !== 'FUNDER' && k !== 'NETWORK' && k !== 'LOCAL_AUTHORITY').map((k) => organisationKindLabelsFr[k]),
    );
    await expect(optionsOf(page, '#edit-org-region')).resolves.toEqual(['Île-de-France']);
    await dialog.getByLabel('Département').selectOption('92');
    await dialog.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByTestId('announce-polite').getByText('Organisation « Les Jardins de Pantin » modifiée.').waitFor();
    // The list shows the change once the directory has it.
    await row('Les Jardins de Pantin').getByRole('cell', { name: 'Hauts-de-Seine (Île-de-France)', exact: true }).waitFor();
    expect(sent).toEqual(['RegisterOrganisation', 'UpdateOrganisation']);
    // What the console does not offer, the API refuses too: a network may not register a funder.
    const refused = await gql(
      `mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`,
      { input: { organisationId: randomUUID(), name: 'Fonds régional', kind: 'FUNDER', regionCode: '11', departementCode: '75' } },
      { authorization: await tokenOf(NETWORK) },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // A local authority of its région: its entry is corrected, its kind shown, not offered to change.
    const commune = randomUUID();
    const registered = await gql(
      `mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`,
      { input: { organisationId: commune, name: 'Établissement public territorial Plaine Commune', kind: 'LOCAL_AUTHORITY', regionCode: '11', departementCode: '93' } },
      adminHeaders,
    );
    expect(registered.errors).toBeUndefined();
    await page.reload();
    await row('Plaine Commune').getByRole('button', { name: /^Modifier/ }).click();
    await waitForFocus(page, 'edit-org-name');
    await expect(page.getByTestId('edit-kind-locked').textContent()).resolves.toBe(
      `Type d’organisation : ${organisationKindLabelsFr.LOCAL_AUTHORITY}Une collectivité peut être sollicitée pour un financement : seul un opérateur change son type.`,
    );
    await expect(page.locator('#edit-org-kind').count()).resolves.toBe(0);
    await checkA11y(page, 'organisation-collectivite-reseau', { strict: true });
    await page.getByTestId('edit-organisation-dialog').getByRole('button', { name: 'Annuler' }).click();
    // And the API refuses what the console does not offer.
    const retyped = await gql(
      `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`,
      { input: { organisationId: commune, kind: 'ASSOCIATION' } },
      { authorization: await tokenOf(NETWORK) },
    );
    expect(retyped.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // The operators' address leads a network to its page; a member has neither.
    await page.goto(`${base}/administration/organisations`);
    await page.getByRole('heading', { level: 1, name: 'Organisations de vos régions' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/organisations');
    const member = await signedIn(PARTNER);
    await expect(member.page.getByRole('link', { name: 'Organisations' }).count()).resolves.toBe(0);
    await member.page.goto(`${base}/organisations`);
    await member.page.getByRole('heading', { level: 1, name: 'Accès non prévu pour votre rôle' }).waitFor();
    expect(cspErrors).toEqual([]);
  });

  it('operators keep the whole directory: every kind and every région', async () => {
    const { page } = await signedIn(ADMIN);
    await page.goto(`${base}/organisations`);
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/administration/organisations');
    await page.getByTestId('organisations-count').getByText(/^\d+ organisations trouvées\.$/).waitFor();
    await page.getByTestId('organisations-table').getByRole('rowheader', { name: 'Régie de quartier de Rennes' }).waitFor();
    await expect(optionsOf(page, '#o-region').then((o) => o.length)).resolves.toBe(19);
    await expect(optionsOf(page, '#org-kind')).resolves.toEqual(['Choisir', ...ORGANISATION_KINDS.map((k) => organisationKindLabelsFr[k])]);
    await expect(page.locator('#org-region option').count()).resolves.toBe(19);
    await expect(page.getByTestId('not-editable').count()).resolves.toBe(0);
  });

  it('going back, abandoning and closing say what is missing at their field, which takes the focus, and send nothing', async () => {
    const id = await proposeGie('GIE Restauration collective de Saint-Ouen');
    await advanceByApi(id, 'OPERATION');
    const { page } = await signedIn(LEAD);
    const sent = mutationsSent(page);
    await openCooperation(page, id);
    await page.getByTestId('stage-label').getByText('Étape : Fonctionnement').waitFor();

    // Going back without a reason: the button is available, the reason asked at its field.
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    const confirm = page.getByRole('button', { name: 'Confirmer le retour' });
    await expect(confirm.isDisabled()).resolves.toBe(false);
    await confirm.click();
    const reason = page.locator('#reopen-reason');
    await page.getByTestId('reopen-reason-erreur').getByText('Indiquez la raison du retour à l’étape « Lancement ».').waitFor();
    await waitForFocus(page, 'reopen-reason');
    await expect(reason.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(reason.getAttribute('aria-describedby')).resolves.toBe('reopen-reason-erreur');
    // Spaces alone are no reason either.
    await reason.fill('   ');
    await page.locator('#advance').focus();
    await confirm.click();
    await waitForFocus(page, 'reopen-reason');
    await checkA11y(page, 'retour-sans-raison', { strict: true });

    // Abandoning without a reason.
    await page.getByRole('button', { name: 'Abandonner' }).click();
    const abandon = page.getByRole('button', { name: 'Confirmer l’abandon' });
    await expect(abandon.isDisabled()).resolves.toBe(false);
    await abandon.click();
    await page.getByTestId('abandon-reason-erreur').getByText('Choisissez la raison principale de l’abandon.').waitFor();
    await waitForFocus(page, 'abandon-reason');
    await expect(page.locator('#abandon-reason').getAttribute('aria-invalid')).resolves.toBe('true');

    // Closing without an outcome.
    await page.getByRole('button', { name: 'Clôturer' }).click();
    const close = page.getByRole('button', { name: 'Confirmer la clôture' });
    await expect(close.isDisabled()).resolves.toBe(false);
    await close.click();
    await page.getByTestId('close-outcome-erreur').getByText('Choisissez l’issue de la coopération.').waitFor();
    await waitForFocus(page, 'close-outcome');
    await expect(page.locator('#close-outcome').getAttribute('aria-describedby')).resolves.toBe('close-outcome-aide close-outcome-erreur');
    await checkA11y(page, 'cloture-sans-issue', { strict: true });
    expect(sent).toEqual([]);
    await expect(cooperation(id).then((c) => c.stage)).resolves.toBe('OPERATION');

    // Back to the form: its text kept, not the message of the earlier attempt; with a reason, going back is recorded.
    await page.getByRole('button', { name: 'Revenir à l’étape précédente' }).click();
    await expect(page.getByTestId('reopen-reason-erreur').count()).resolves.toBe(0);
    await expect(reason.inputValue()).resolves.toBe('   ');
    await reason.fill('Le local de la cuisine centrale n’est plus disponible.');
    await recorded(page, () => confirm.click());
    expect(sent).toEqual(['ReopenStage']);
    await page.getByTestId('stage-label').getByText('Étape : Lancement').waitFor();
    await expect(cooperation(id).then((c) => c.stage)).resolves.toBe('LAUNCH');
    await waitForFocus(page, 'reopen');
    expect(await focusedId(page)).toBe('reopen');
  });

  it('the reopen, abandon and close forms open one at a time on their first field, with aria-expanded and « Annuler »; « Autre raison » asks for the précisions and over-long texts are said at their field, nothing sent', async () => {
    const id = await proposeGie('GIE Blanchisserie solidaire de Montreuil');
    await advanceByApi(id, 'OPERATION');
    const { page } = await signedIn(LEAD);
    const sent = mutationsSent(page);
    await openCooperation(page, id);
    await page.getByTestId('stage-label').getByText('Étape : Fonctionnement').waitFor();
    const long = 'x'.repeat(2001);

    // Each toggle says whether its form is open; the form takes the focus on its first field.
    for (const [form, first] of [
      ['reopen', 'reopen-reason'],
      ['close', 'close-outcome'],
      ['abandon', 'abandon-reason'],
    ] as const) {
      const toggle = page.locator(`#${form}`);
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await toggle.click();
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
      await expect(toggle.getAttribute('aria-controls')).resolves.toBe(`${form}-form`);
      await waitForFocus(page, first);
      // One form at a time.
      await expect(page.locator('#cycle form').count()).resolves.toBe(1);
      // « Annuler »: closed, the focus back on its button.
      await page.getByTestId(`${form}-form`).getByRole('button', { name: 'Annuler' }).click();
      await waitForFocus(page, form);
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    }

    // « Autre raison » without précisions: said at the field, whose label says it is required.
    await page.locator('#abandon').click();
    await page.locator('#abandon-reason').selectOption({ label: 'Autre raison' });
    await expect(page.locator('label[for="abandon-text"]').textContent()).resolves.toBe('Précisions (obligatoire avec « Autre raison »)');
    const abandon = page.getByRole('button', { name: 'Confirmer l’abandon' });
    await abandon.click();
    await page.getByTestId('abandon-text-erreur').getByText('Précisez la raison de l’abandon : c’est obligatoire avec « Autre raison ».').waitFor();
    await waitForFocus(page, 'abandon-text');
    await expect(page.locator('#abandon-text').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'abandon-autre-raison', { strict: true });
    // Too long: said at the field too.
    await page.locator('#abandon-text').fill(long);
    await page.locator('#abandon-reason').focus();
    await abandon.click();
    await page.getByTestId('abandon-text-erreur').getByText('Les précisions comptent au plus 2\u202f000 caractères (2\u202f001 pour l’instant).').waitFor();
    await waitForFocus(page, 'abandon-text');
    // Opened again, the form says nothing of the earlier attempt.
    await page.getByTestId('abandon-form').getByRole('button', { name: 'Annuler' }).click();
    await page.locator('#abandon').click();
    await expect(page.getByTestId('abandon-text-erreur').count()).resolves.toBe(0);
    await page.getByTestId('abandon-form').getByRole('button', { name: 'Annuler' }).click();

    // A closing comment too long.
    await page.locator('#close').click();
    await page.locator('#close-outcome').selectOption({ index: 1 });
    await page.locator('#close-comment').fill(long);
    await page.getByRole('button', { name: 'Confirmer la clôture' }).click();
    await page.getByTestId('close-comment-erreur').getByText('Le commentaire compte au plus 2\u202f000 caractères (2\u202f001 pour l’instant).').waitFor();
    await waitForFocus(page, 'close-comment');
    expect(sent).toEqual([]);
    await expect(cooperation(id).then((c) => c.stage)).resolves.toBe('OPERATION');
  });

  /** A bearer token of a user, through the login mutation. */
  const tokenOf = async (email: string) => {
    const r = await gql<{ login: { accessToken: string } }>(`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`, {
      email,
      password: 'console-test-password',
    });
    expect(r.errors).toBeUndefined();
    return `Bearer ${r.data!.login.accessToken}`;
  };
});
