import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { exec } from '@lifeboat/runners';
import { explainBuildFailure } from './build-errors.js';
import { takeBuildLock } from './build-lock.js';
import { DEFAULT_BUILD_DIR, SITE_DIR } from './site-dir.js';

// `docusaurus build` of the generated pages, started through the runners' exec choke point like every tool.

export interface BuildSiteOptions {
  /** The generated pages (generateDocs' outDir). */
  docsDir: string;
  /** Where the static site goes (default docs-site/site/build). */
  outDir?: string;
  /** The Docusaurus project (default docs-site/site). */
  siteDir?: string;
  /** Path the site is served under, e.g. /infra/ on GitHub Pages (default /). */
  baseUrl?: string;
  /** Origin the site is served from, e.g. https://org.github.io (default http://127.0.0.1). */
  url?: string;
  /** Each progress line Docusaurus prints, as it prints it. */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Default 15 minutes: a thousand-policy site takes minutes on two cores. */
  timeoutMs?: number;
}

export interface BuildSiteResult {
  ok: boolean;
  outDir: string;
  durationMs: number;
  /** One line saying why the build failed (a broken link names its page); absent when ok. */
  error?: string;
  /** Docusaurus's own output, for whoever needs the detail. */
  output: string;
}

const require = createRequire(import.meta.url);

/** Docusaurus's CLI entry, run with this Node rather than whatever `npx` finds on PATH. */
const docusaurusBin = (): string =>
  path.join(path.dirname(require.resolve('@docusaurus/core/package.json')), 'bin', 'docusaurus.mjs');

const isDirectory = (dir: string): Promise<boolean> =>
  stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );

export const buildSite = async (options: BuildSiteOptions): Promise<BuildSiteResult> => {
  const siteDir = path.resolve(options.siteDir ?? SITE_DIR);
  const outDir = path.resolve(options.outDir ?? DEFAULT_BUILD_DIR);
  const docsDir = path.resolve(options.docsDir);
  const fail = (error: string): BuildSiteResult => ({ ok: false, outDir, durationMs: 0, error, output: '' });
  if (!(await isDirectory(docsDir))) return fail(`pages directory ${docsDir} does not exist: generate first`);
  if (!(await isDirectory(siteDir))) return fail(`site directory ${siteDir} does not exist`);

  const lock = await takeBuildLock(siteDir);
  if (!lock.ok)
    return fail(
      `another docusaurus build of ${siteDir} is running (pid ${lock.holder}); wait for it to finish`,
    );
  try {
    return await runBuild(options, siteDir, outDir, docsDir);
  } finally {
    await lock.release();
  }
};

const runBuild = async (
  options: BuildSiteOptions,
  siteDir: string,
  outDir: string,
  docsDir: string,
): Promise<BuildSiteResult> => {
  const lines: string[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    options.onProgress?.(line);
  };
  const r = await exec(process.execPath, [docusaurusBin(), 'build', siteDir, '--out-dir', outDir], {
    // Docusaurus expects a package.json in its working directory (docs-site/site has one).
    cwd: siteDir,
    env: {
      LIFEBOAT_DOCS_DIR: docsDir,
      // Unset options leave the inherited environment alone (the Pages workflow sets these).
      ...(options.baseUrl === undefined ? {} : { LIFEBOAT_DOCS_BASE_URL: options.baseUrl }),
      ...(options.url === undefined ? {} : { LIFEBOAT_DOCS_URL: options.url }),
      // Plain lines, not a redrawn progress bar, whatever the terminal.
      CI: 'true',
      FORCE_COLOR: '0',
      NO_UPDATE_NOTIFIER: '1',
    },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    signal: options.signal,
    onStdoutLine: onLine,
    onStderrLine: onLine,
  });
  const output = lines.join('\n');
  const base = { outDir, durationMs: r.durationMs, output };
  if (r.exitCode === 0) return { ok: true, ...base };
  if (r.cancelled) return { ok: false, ...base, error: 'docusaurus build cancelled' };
  if (r.timedOut) return { ok: false, ...base, error: 'docusaurus build timed out' };
  if (r.spawnFailed)
    return { ok: false, ...base, error: `could not start ${process.execPath} ${docusaurusBin()}` };
  return { ok: false, ...base, error: explainBuildFailure(`${output}\n${r.stderr}`) };
};
