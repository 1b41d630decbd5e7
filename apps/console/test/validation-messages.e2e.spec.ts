/**
 * A refusal of the API that names the field and what it expects, in French, reaches the user as the
 * API wrote it (errors.ts), in a real browser (Debian's Chromium through playwright-core) against
 * the real API (createApp on a fresh embedded-PostgreSQL database), served by the API itself at `/`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { graphqlClient } from '@maillage/testing';
import { BrowserTestbed, buildConsole } from './browser-support';

jest.setTimeout(180_000);

const MEMBER_EMAIL = 'membre@validation-messages.test';

describe('refused input in Chromium: the API’s French message', () => {
  const testbed = new BrowserTestbed();
  let base: string;
  let gql: ReturnType<typeof graphqlClient>;
  /** The console built from the current sources into a folder of this file's own (another browser test may rebuild dist/console). */
  const consoleDir = mkdtempSync(path.join(tmpdir(), 'maillage-console-validation-'));
  const org = { tremplin: randomUUID(), saumurois: randomUUID() };
  const cooperationId = randomUUID();

  beforeAll(async () => {
    buildConsole(consoleDir);
    ({ base, gql } = await testbed.start('console_validation_messages', { consoleDir }));
    const admin = await testbed.createUser({ email: 'admin@validation-messages.test', name: 'Admin', role: 'ADMIN', organisationId: null, regions: [] });
    await testbed.registerOrganisation(admin, { organisationId: org.tremplin, name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49' });
    await testbed.registerOrganisation(admin, { organisationId: org.saumurois, name: 'AI du Saumurois', kind: 'AI', regionCode: '52', departementCode: '49' });
    const member = await testbed.createUser({ email: MEMBER_EMAIL, name: 'Camille Tremplin', role: 'MEMBER', organisationId: org.tremplin, regions: [] });
    const proposed = await gql(
      `mutation($input: ProposeCooperationInput!) { proposeCooperation(input: $input) { version } }`,
      { input: { cooperationId, kind: 'GIE', name: 'GIE des AI de Maine-et-Loire', objectives: ['POOLING'], territory: { regionCode: '52', departementCodes: ['49'] }, leadOrganisationId: org.tremplin } },
      member,
    );
    expect(proposed.errors).toBeUndefined();
    await testbed.catchUp();
    await testbed.launchBrowser();
  });

  afterAll(async () => {
    await testbed.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('a waiver justification longer than the API takes: the API’s sentence, not the console’s rebuilt one', async () => {
    const { page, cspErrors } = await testbed.newPage();
    await testbed.signIn(page, MEMBER_EMAIL);
    await page.goto(`${base}/cooperations/${cooperationId}`);
    await page.locator('#waive-open-structuring-elements').click();
    // Past the console's own check (10 characters at least), refused by the API (2,000 at most).
    await page.getByLabel('Justification de la dérogation').fill('Les éléments structurants sont déjà dans la convention. '.repeat(40));
    const answer = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('waiveGateItem'));
    await page.getByRole('button', { name: 'Accorder la dérogation' }).click();
    const body = (await (await answer).json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'justification', expected: 'non-empty string (max 2000)' });
    const message = "La justification de la dérogation n'est pas valide : il faut un texte de 1 à 2000 caractères.";
    expect(body.errors[0].message).toBe(message);
    await page.getByText(`Saisie refusée : ${message}`).first().waitFor();
    await expect(page.getByText('le champ « justification »').count()).resolves.toBe(0);
    expect(cspErrors).toEqual([]);
  });
});
