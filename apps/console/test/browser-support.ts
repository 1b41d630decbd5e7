/**
 * What the console's browser test files share: the console built from the current sources, the real
 * API (createApp on a fresh embedded-PostgreSQL database) that serves it at `/`, Debian's Chromium
 * through playwright-core, users and organisations made through the API's own services, pages
 * opened in French (Paris time) that catch Content Security Policy errors, signing in, axe-core
 * checks and screenshots. Not a test file: Jest collects only `*.spec.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { createTestDatabase, graphqlClient, type TestDatabase } from '@maillage/testing';
import type { ProjectionRunner } from '@maillage/projections';
import { createApp } from '../../api/src/bootstrap';
import { AuthService, type CreateUserInput } from '../../api/src/auth/auth.service';
import { PROJECTION_RUNNER } from '../../api/src/projections/projections.module';

export const ROOT = path.resolve(__dirname, '../../..');
export const CONSOLE_DIR = path.join(ROOT, 'dist/console');
export const SHOTS = path.join(ROOT, 'test-output/console');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The password of every user the browser tests create. */
export const PASSWORD = 'console-test-password';

/**
 * Builds the console from the current sources into `outDir` (emptied first) with Vite's build() API
 * in a child process: Vite is ESM-only, Jest runs the test files as CommonJS; about two seconds.
 */
export function buildConsole(outDir: string): void {
  const script = `const { build } = await import('vite'); await build({ configFile: ${JSON.stringify(path.join(ROOT, 'apps/console/vite.config.mjs'))}, logLevel: 'warn', build: { outDir: ${JSON.stringify(outDir)}, emptyOutDir: true } });`;
  // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

/** Newest modification time of the console's sources (and the domain labels it bundles). */
function newestSource(): number {
  const walk = (p: string): number =>
    statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((name) => walk(path.join(p, name)))) : statSync(p).mtimeMs;
  return Math.max(...['apps/console/src', 'apps/console/index.html', 'apps/console/vite.config.mjs', 'libs/domain/src/labels'].map((p) => walk(path.join(ROOT, p))));
}

/**
 * `npm run build` builds the console into dist/console; when it is missing or older than the
 * sources (e.g. `npm test` right after editing the console), this rebuilds it (buildConsole).
 */
export function ensureConsoleBuilt(): void {
  const index = path.join(CONSOLE_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  buildConsole(CONSOLE_DIR);
}

/** Saves a full-page screenshot of `page` as test-output/console/<name>.png. */
/** The version the cooperation page shows (its `data-version`). */
export const versionOf = async (page: Page): Promise<number> => Number(await page.getByTestId('cooperation-page').getAttribute('data-version'));

/** Runs a UI action that records one command, and waits until the page shows the next version. */
export const recorded = async (page: Page, action: () => Promise<void>): Promise<void> => {
  const before = await versionOf(page);
  await action();
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="cooperation-page"]')?.getAttribute('data-version')) > v, before, { timeout: 15_000 });
};

/** The GraphQL mutations the page sends from now on (operation names). */
export const mutationsSent = (page: Page): string[] => {
  const sent: string[] = [];
  page.on('request', (request) => {
    const body = request.method() === 'POST' && request.url().endsWith('/graphql') ? (request.postDataJSON() as { query?: string; operationName?: string } | null) : null;
    if (body?.query?.trimStart().startsWith('mutation')) sent.push(body.operationName ?? '?');
  });
  return sent;
};

/** The id of the focused element ('' if none). */
export const focusedId = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');

/** Waits until the element of this id has the focus. */
export const waitForFocus = (page: Page, id: string) => page.waitForFunction((i) => document.activeElement?.id === i, id, { timeout: 5_000 });

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

export interface AxeSummary {
  page: string;
  violations: { id: string; impact: string | null | undefined; nodes: number }[];
}

/**
 * axe-core on the page (WCAG 2.1 A and AA): fails on serious or critical violations, or on any
 * violation at all when `strict`; every violation found is added to `record` when given.
 */
export async function checkA11y(page: Page, name: string, { strict = false, record }: { strict?: boolean; record?: AxeSummary[] } = {}): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  record?.push({ page: name, violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })) });
  const blocking = result.violations
    .filter((v) => strict || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect({ page: name, blocking }).toEqual({ page: name, blocking: [] });
}

export interface Organisation {
  organisationId: string;
  name: string;
  kind: string;
  regionCode: string;
  departementCode: string;
  siret?: string;
}

/**
 * The API serving the console on a fresh database, and Chromium. One per describe block: start() and
 * launchBrowser() in beforeAll, close() in afterAll (which also undoes a start() that failed midway).
 */
export class BrowserTestbed {
  private db?: TestDatabase;
  private app?: NestFastifyApplication;
  private base = '';
  private gql?: ReturnType<typeof graphqlClient>;
  private browser?: Browser;
  private readonly contexts: BrowserContext[] = [];
  private consoleDirBefore?: { value: string | undefined };

  /**
   * Creates the database `databaseName` and the API on it, listening on a free port of 127.0.0.1.
   * With `consoleDir`, the API serves the console built there (MAILLAGE_CONSOLE_DIR, restored by
   * close()) instead of dist/console.
   */
  async start(databaseName: string, { consoleDir }: { consoleDir?: string } = {}) {
    mkdirSync(SHOTS, { recursive: true });
    if (consoleDir !== undefined) {
      this.consoleDirBefore = { value: process.env.MAILLAGE_CONSOLE_DIR };
      process.env.MAILLAGE_CONSOLE_DIR = consoleDir;
    }
    this.db = await createTestDatabase(databaseName);
    this.app = await createApp({ databaseUrl: this.db.url });
    await this.app.listen(0, '127.0.0.1');
    this.base = await this.app.getUrl();
    this.gql = graphqlClient(`${this.base}/graphql`);
    return { app: this.app, base: this.base, gql: this.gql };
  }

  /** Creates a user with PASSWORD (AuthService.createUserUnchecked) and returns its bearer headers. */
  async createUser(input: Omit<CreateUserInput, 'password'>): Promise<Record<string, string>> {
    const auth = this.started().app.get(AuthService);
    const user = await auth.createUserUnchecked({ ...input, password: PASSWORD });
    return { authorization: `Bearer ${auth.issueAccessToken(user.id).accessToken}` };
  }

  /** Registers an organisation through GraphQL as the holder of `headers` (an ADMIN). */
  async registerOrganisation(headers: Record<string, string>, input: Organisation): Promise<void> {
    const r = await this.started().gql(`mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`, { input }, headers);
    expect(r.errors).toBeUndefined();
  }

  /** Brings the read models up to date with everything recorded so far. */
  async catchUp(): Promise<void> {
    await this.started().app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
  }

  async launchBrowser(): Promise<void> {
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }

  /** A page in a browser context of its own (fr-FR, Europe/Paris), with the CSP errors it logs. */
  readonly newPage = async ({ width = 1280, height = 900, ...options }: { width?: number; height?: number; acceptDownloads?: boolean } = {}) => {
    if (!this.browser) throw new Error('launchBrowser() first');
    const context = await this.browser.newContext({ viewport: { width, height }, locale: 'fr-FR', timezoneId: 'Europe/Paris', ...options });
    this.contexts.push(context);
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return { context, page, cspErrors };
  };

  /** Signs in on the console's sign-in page and waits for the signed-in header. */
  readonly signIn = async (page: Page, who: string, password = PASSWORD) => {
    await page.goto(`${this.base}/`);
    await page.getByLabel('Adresse e-mail').fill(who);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
  };

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.browser?.close();
    await this.app?.close();
    await this.db?.drop();
    if (this.consoleDirBefore) {
      if (this.consoleDirBefore.value === undefined) delete process.env.MAILLAGE_CONSOLE_DIR;
      else process.env.MAILLAGE_CONSOLE_DIR = this.consoleDirBefore.value;
    }
  }

  private started() {
    if (!this.app || !this.gql) throw new Error('start() first');
    return { app: this.app, gql: this.gql };
  }
}
