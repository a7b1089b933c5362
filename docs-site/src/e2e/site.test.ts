import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration, loadInventory, nextRuns, parseDuration } from '@lifeboat/core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type StaticServer, serveStatic } from '../build/index.js';
import { generateDocs } from '../generate/index.js';
import { FIXTURE_EXPECTED, FIXTURE_NOW, writeFixtureRecords } from '../testing/fixture-state.js';

// The runbook site as a new hire sees it: generated from the example inventory and fixture run records,
// built with Docusaurus, served on loopback and driven in Debian's Chromium, offline.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'reports', 'screenshots');
const CHROMIUM = [
  process.env.LIFEBOAT_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
]
  .filter((p): p is string => p !== undefined && p !== '')
  .find((p) => existsSync(p));
const POLICY = 'lisle-finance-share';

let tmp = '';
let server: StaticServer | undefined;
let browser: Browser | undefined;
let docsDir = '';

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors, failed or refused requests, 4xx/5xx responses. */
  problems: string[];
}

/** A fresh context whose every request outside the loopback server is refused and reported (the site must work offline). */
const visit = async (): Promise<Visit> => {
  if (!browser || !server) throw new Error('not set up');
  const base = server.url;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
  });
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:'))
      return route.continue();
    problems.push(`request outside the site: ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, context, problems };
};

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Text of the Markdown article (not the sidebar or navbar). */
const articleText = (page: Page): Promise<string> => page.locator('article .markdown').first().innerText();

/** The next runs a page should list: core's own schedule maths, printed here as date and time in the zone. */
const localMinute = (date: Date, zone: string): string => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

beforeAll(async () => {
  if (CHROMIUM === undefined)
    throw new Error('no Chromium: install Debian chromium or set LIFEBOAT_CHROMIUM');
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-site-'));
  const stateDir = path.join(tmp, 'state');
  docsDir = path.join(tmp, 'docs');
  await writeFixtureRecords(stateDir);
  const generated = await generateDocs({ root: ROOT, outDir: docsDir, stateDir, now: FIXTURE_NOW });
  const errors = generated.problems.filter((p) => p.severity === 'error');
  expect(errors, 'the example inventory generates cleanly').toEqual([]);
  const built = await buildSite({ docsDir, outDir: path.join(tmp, 'build'), timeoutMs: 10 * 60_000 });
  if (!built.ok) throw new Error(`site build failed: ${built.error}`);
  server = await serveStatic({ dir: built.outDir });
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
}, 12 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
}, 60_000);

describe('runbook site in a browser', () => {
  it('opens the home page with its navigation', async () => {
    const { page, context, problems } = await visit();
    try {
      const response = await page.goto(`${server?.url}/`);
      expect(response?.status()).toBe(200);
      await expect.poll(() => page.locator('article h1').first().innerText()).not.toBe('');
      await expect.poll(() => page.locator('.theme-doc-sidebar-menu a').count()).toBeGreaterThan(3);
      await screenshot(page, 'home');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('reaches a policy page through the sidebar and states the facts of its YAML', async () => {
    const { inventory } = await loadInventory(ROOT);
    const policy = inventory.policies.find((e) => e.value.metadata.name === POLICY)?.value;
    const site = inventory.sites.find((e) => e.value.metadata.name === policy?.spec.site)?.value;
    if (!policy || !site) throw new Error(`${POLICY} or its site is missing from the example inventory`);
    const { page, context, problems } = await visit();
    try {
      await page.goto(`${server?.url}/`);
      const sidebar = page.locator('.theme-doc-sidebar-menu');
      const link = sidebar.getByRole('link', { name: POLICY, exact: true });
      // The category starts collapsed: open it with its caret, the way a person would.
      if (!(await link.isVisible()))
        await sidebar.getByRole('button', { name: /expand sidebar category .*polic/i }).click();
      await link.click();
      await page.waitForURL(`**/policies/${POLICY}`);
      // The URL changes before the client-side router has rendered the new page.
      await expect
        .poll(() => page.locator('article h1').first().innerText())
        .toBe(policy.metadata.title ?? POLICY);
      const text = await articleText(page);

      // Schedule: the cron from the YAML and the next runs core computes for it in the site's zone.
      const zone = policy.spec.schedule.timezone ?? site.spec.timezone;
      expect(text).toContain(policy.spec.schedule.cron);
      for (const at of nextRuns(policy.spec.schedule.cron, zone, FIXTURE_NOW, 3))
        expect(text, `next run ${at.toISOString()}`).toContain(localMinute(at, zone));
      // Retention: every keep rule with its count.
      const retention = policy.spec.retention as Record<string, number | string | undefined>;
      for (const [rule, value] of Object.entries(retention)) {
        if (value === undefined) continue;
        expect(text).toContain(`--${rule.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        expect(text).toContain(String(value));
      }
      // Objectives as core formats durations.
      const rpo = formatDuration(parseDuration(policy.spec.objectives?.rpo ?? '') ?? Number.NaN);
      const rto = formatDuration(parseDuration(policy.spec.objectives?.rto ?? '') ?? Number.NaN);
      expect(text).toMatch(new RegExp(`RPO\\s+${rpo}`));
      expect(text).toMatch(new RegExp(`RTO\\s+${rto}`));
      // The restore commands open this policy's repository on its NAS target.
      const target = site.spec.nas.find((t) => t.name === policy.spec.repository.target);
      const repository = `${target?.repository.replace(/\/+$/, '')}/${policy.spec.repository.path}`;
      const commands = (await page.locator('article pre').allInnerTexts()).join('\n');
      expect(commands).toContain(repository);
      expect(commands).toMatch(new RegExp(`restic restore latest[^\\n]*--tag[^\\n]*policy:${POLICY}`));
      await screenshot(page, 'policy');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('finds a hand-written runbook with the offline search box', async () => {
    const runbooks = (await readdir(path.join(docsDir, 'runbooks'))).filter((f) => f.endsWith('.md')).sort();
    const file = runbooks[0];
    if (file === undefined) throw new Error('no runbooks were generated');
    // A word that is in this runbook and in no other page, so the only right answer is this runbook.
    const body = await readFile(path.join(docsDir, 'runbooks', file), 'utf8');
    const others = await otherPagesText(file);
    const word = [...new Set(body.toLowerCase().match(/\b[a-z]{7,}\b/g) ?? [])].find(
      (w) => !others.includes(w),
    );
    if (word === undefined) throw new Error(`runbooks/${file} has no word of its own to search for`);
    const title = /^title: '?(.*?)'?$/m.exec(body)?.[1];
    if (title === undefined) throw new Error(`runbooks/${file} has no title`);
    const { page, context, problems } = await visit();
    try {
      await page.goto(`${server?.url}/`);
      const input = page.locator('input.navbar__search-input');
      await input.click();
      await input.pressSequentially(word, { delay: 30 });
      // search-local's autocomplete: a listbox of options (its class names are hashed CSS modules).
      // The index is stemmed, so other pages may match too: pick the suggestion that names this runbook.
      const suggestion = page.locator('[role="listbox"] [role="option"]').filter({ hasText: title }).first();
      await suggestion.waitFor({ state: 'visible' });
      await screenshot(page, 'search');
      await suggestion.click();
      await page.waitForURL(`**/runbooks/${file.replace(/\.md$/, '')}**`);
      await expect.poll(() => page.locator('article h1').first().innerText()).toBe(title);
      expect((await articleText(page)).toLowerCase()).toContain(word);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('renders the Mermaid diagram on a site page as SVG', async () => {
    const { page, context, problems } = await visit();
    try {
      await page.goto(`${server?.url}/`);
      // The home page lists the sites; Lisle's page has the diagram of where each copy goes.
      await page.locator('article').getByRole('link', { name: /lisle/i }).first().click();
      await page.waitForURL('**/sites/lisle**');
      const svg = page.locator('.docusaurus-mermaid-container svg').first();
      await svg.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await svg.locator('g.node, .node').count()).toBeGreaterThan(1);
      await screenshot(page, 'site-mermaid');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows red, amber and green on the status page as the run records say', async () => {
    const { page, context, problems } = await visit();
    try {
      await page.goto(`${server?.url}/`);
      await page.locator('.navbar').getByRole('link', { name: 'Status', exact: true }).click();
      await page.waitForURL('**/status');
      await expect.poll(() => page.locator('article h1').first().innerText()).toBe('Status');
      for (const [policy, colour] of Object.entries(FIXTURE_EXPECTED)) {
        const row = page.locator('article table tr').filter({ hasText: policy }).first();
        const cells = (await row.innerText()).toLowerCase();
        const shown = (['red', 'amber', 'green'] as const).filter((c) =>
          new RegExp(`\\b${c}\\b`).test(cells),
        );
        expect(shown, `${policy}: ${cells}`).toEqual([colour]);
      }
      await screenshot(page, 'status');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/** Every generated page except one runbook, lower-cased, for picking a word only that runbook has. */
const otherPagesText = async (runbook: string): Promise<string> => {
  const texts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.md') && full !== path.join(docsDir, 'runbooks', runbook))
        texts.push((await readFile(full, 'utf8')).toLowerCase());
    }
  };
  await walk(docsDir);
  return texts.join('\n');
};
