// `lifeboat runs fetch`: bring the sites' published run records (artifacts `lifeboat-records-<site>`) into a
// local ledger, e.g. for `lifeboat docs --state-dir` in the docs workflow. The token comes from the environment.
import { mkdir, stat } from 'node:fs/promises';
import { formatDuration, loadInventory, Name, type Problem, quote } from '@lifeboat/core';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { checkRoot } from '../options/root.js';

export interface RunsFetchOptions {
  repo: string;
  out: string;
  site?: string;
  root: string;
  apiUrl?: string;
  json?: boolean;
}

const REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const NAME = new RegExp(Name.pattern ?? '');
/** `lifeboat runs` options that mean nothing here; given after `fetch`, commander hands them to `runs`. */
const RUNS_ONLY = ['stateDir', 'policy', 'image', 'job', 'outcome', 'since', 'now', 'format'] as const;

const HELP = `
Fetches, for each site (--site, else every site in the inventory under --root), the newest unexpired
artifact named lifeboat-records-<site> that the site workflow uploads, checks every record (schema, and
that it is about that site) and writes the good ones into <dir> as a ledger (runs/<site>/...), so
\`lifeboat runs --state-dir <dir>\`, \`lifeboat report\` and \`lifeboat docs --state-dir <dir>\` read them.
An artifact already fetched into <dir> is not downloaded again.

Token: GITHUB_TOKEN, else GH_TOKEN, from the environment only (needs actions: read).
API: --api-url, else GITHUB_API_URL, else https://api.github.com.

Exit codes:
  0  every site answered (possibly with no artifact yet)
  1  GitHub could not be asked, or an artifact was refused, for some site
  2  usage error (bad flag, missing token, bad --root) or internal error`;

const problemLine = (p: Problem): string =>
  `lifeboat runs fetch: ${p.severity}: ${p.file}: ${p.message} (${p.code})\n`;

/** Octokit's request log would print every failed request on the console: the problems say it once. */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Options given to `runs` itself when the user wrote them after `fetch`: take ours, refuse the others. */
const fromParent = (cmd: Command): Partial<RunsFetchOptions> => {
  const parent = cmd.parent;
  if (parent === null) return {};
  for (const name of RUNS_ONLY)
    if (parent.getOptionValueSource(name) === 'cli')
      throw new UsageError(
        `--${kebab(name)} is an option of \`lifeboat runs\`, not of \`lifeboat runs fetch\``,
      );
  const p = parent.opts<{ site?: string; root?: string }>();
  return {
    ...(p.site !== undefined ? { site: p.site } : {}),
    ...(parent.getOptionValueSource('root') === 'cli' && p.root !== undefined ? { root: p.root } : {}),
  };
};

const apiUrlOf = (flag: string | undefined, env: NodeJS.ProcessEnv): string => {
  const text = flag ?? env.GITHUB_API_URL ?? 'https://api.github.com';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${flag !== undefined ? '--api-url' : 'GITHUB_API_URL'} ${quote(text, 100)} is not a URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`${flag !== undefined ? '--api-url' : 'GITHUB_API_URL'} must be an http(s) URL`);
  if (url.username !== '' || url.password !== '')
    throw new UsageError('--api-url must not carry credentials (the token comes from GITHUB_TOKEN)');
  return text.replace(/\/+$/, '');
};

const sitesOf = async (root: string, site: string | undefined): Promise<string[]> => {
  if (site !== undefined) {
    if (!NAME.test(site)) throw new UsageError(`--site ${quote(site, 70)} is not a site name`);
    return [site];
  }
  await checkRoot(root);
  const { inventory } = await loadInventory(root);
  const names = inventory.sites.map((s) => s.value.metadata.name).sort();
  if (names.length === 0)
    throw new UsageError(`--root ${quote(root, 200)} holds no sites; name one with --site`);
  return names;
};

const checkOut = async (dir: string): Promise<void> => {
  const s = await stat(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (s instanceof Error)
    throw new UsageError(`--out ${quote(dir, 200)} cannot be read (${(s as NodeJS.ErrnoException).code})`);
  if (s !== undefined && !s.isDirectory())
    throw new UsageError(`--out ${quote(dir, 200)} is not a directory`);
  await mkdir(dir, { recursive: true });
};

export const runRunsFetch = async (
  options: RunsFetchOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> => {
  try {
    if (!REPO.test(options.repo))
      throw new UsageError(`--repo ${quote(options.repo, 100)} is not owner/name (e.g. kestrel/infra)`);
    const token = env.GITHUB_TOKEN || env.GH_TOKEN;
    if (!token)
      throw new UsageError(
        'GITHUB_TOKEN (or GH_TOKEN) is not set: a token that can read Actions artifacts is needed',
      );
    const baseUrl = apiUrlOf(options.apiUrl, env);
    const sites = await sitesOf(options.root, options.site);
    await checkOut(options.out);

    const [{ Octokit }, { fetchSiteRecords }] = await Promise.all([
      import('@octokit/rest'),
      // The records entry point only: the package's main one loads Bolt (seconds) for nothing here.
      import('@lifeboat/bot/records'),
    ]);
    const octokit = new Octokit({
      auth: token,
      baseUrl,
      userAgent: 'lifeboat-cli',
      log: QUIET,
      request: { retries: 0 },
    });
    const [owner = '', repo = ''] = options.repo.split('/');
    const results = await fetchSiteRecords({
      octokit,
      owner,
      repo,
      sites,
      mirrorDir: options.out,
      signal: AbortSignal.timeout(120_000),
    });
    for (const r of results) for (const p of r.problems) process.stderr.write(problemLine(p));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ version: 1, out: options.out, sites: results }, null, 2)}\n`);
    } else {
      for (const r of results) {
        const age = r.artifact
          ? `artifact #${r.artifact.id} ${formatDuration(r.artifact.ageSeconds)} old`
          : '';
        const problems = r.problems.length === 0 ? '' : `, ${r.problems.length} problem(s)`;
        const line =
          r.status === 'none'
            ? `no artifact lifeboat-records-${r.site} (yet)`
            : r.status === 'failed'
              ? `${age === '' ? '' : `${age}: `}failed: ${r.problems.find((p) => p.severity === 'error')?.message ?? 'unknown error'}`
              : `${age}, ${r.kept} record(s) kept (${r.status === 'unchanged' ? 'unchanged, not downloaded' : `${r.added} new`})${problems}`;
        process.stdout.write(`${r.site}: ${line}\n`);
      }
    }
    return results.some((r) => r.status === 'failed') ? EXIT.problems : EXIT.ok;
  } catch (err) {
    return commandFailed('runs fetch', err);
  }
};

/** Adds `fetch` under `lifeboat runs` (registered after it). */
export const registerRunsFetch = (program: Command): void => {
  const runs = program.commands.find((c) => c.name() === 'runs');
  if (runs === undefined) throw new Error('registerRunsFetch: register `runs` first');
  runs
    .command('fetch')
    .description(
      "Fetch the sites' published run records (GitHub Actions artifacts) into a local ledger: fetch --repo owner/name --out <dir> [--site name] [--api-url url] [--json]",
    )
    .requiredOption('--repo <owner/name>', 'the repository whose workflows publish the records')
    .requiredOption('--out <dir>', 'ledger directory to write into (created if missing)')
    .option('--site <name>', 'only this site (default: every site in the inventory)')
    .option('--root <dir>', 'inventory root, to list the sites', '.')
    .option('--api-url <url>', 'GitHub API URL (GHES); default GITHUB_API_URL or https://api.github.com')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText('after', HELP)
    .action(async (options: RunsFetchOptions, cmd: Command) => {
      try {
        process.exitCode = await runRunsFetch({ ...options, ...fromParent(cmd) });
      } catch (err) {
        process.exitCode = commandFailed('runs fetch', err);
      }
    });
};
