// `lifeboat comment`: posts (or edits in place) the one sticky PR comment a workflow step produced, e.g. the plan.
import { readFile, stat } from 'node:fs/promises';
import { quote } from '@lifeboat/core';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { isValidMarker, markerTag, upsertStickyComment } from '../github/sticky-comment.js';

const REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;
const PR = /^[1-9][0-9]{0,9}$/;
const MAX_BODY_FILE_BYTES = 1024 * 1024;
/** The whole upsert (all pages, all retries) must finish within this; a CI step must never hang. */
const TIMEOUT_MS = 60_000;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface CommentOptions {
  repo: string;
  pr: string;
  bodyFile: string;
  marker: string;
  updateOnly?: boolean;
}

interface Target {
  owner: string;
  repo: string;
  issueNumber: number;
  marker: string;
  token: string;
  baseUrl: string;
}

const parseTarget = (options: CommentOptions, env: NodeJS.ProcessEnv): Target => {
  const token = env.GITHUB_TOKEN?.trim() ?? '';
  if (token === '')
    throw new UsageError('GITHUB_TOKEN is not set (the token is read from the environment only)');
  const repoMatch = REPO.exec(options.repo);
  if (!repoMatch || repoMatch[2] === '.' || repoMatch[2] === '..') {
    throw new UsageError(`--repo ${quote(options.repo)} is not of the form owner/name`);
  }
  if (!PR.test(options.pr)) throw new UsageError(`--pr ${quote(options.pr)} is not a pull request number`);
  if (!isValidMarker(options.marker)) {
    throw new UsageError(`--marker ${quote(options.marker)} must be lowercase letters, digits and dashes`);
  }
  const baseUrl = (env.GITHUB_API_URL?.trim() || 'https://api.github.com').replace(/\/+$/, '');
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new UsageError(`GITHUB_API_URL ${quote(baseUrl)} is not an http(s) URL`);
  }
  return {
    owner: repoMatch[1] ?? '',
    repo: repoMatch[2] ?? '',
    issueNumber: Number(options.pr),
    marker: options.marker,
    token,
    baseUrl,
  };
};

const readBodyFile = async (path: string): Promise<string> => {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`--body-file ${quote(path)} is not a file`);
    if (info.size > MAX_BODY_FILE_BYTES) {
      throw new UsageError(
        `--body-file ${quote(path)} is ${info.size} bytes, over the limit of ${MAX_BODY_FILE_BYTES}`,
      );
    }
    const text = await readFile(path, 'utf8');
    if (text.trim() === '') throw new UsageError(`--body-file ${quote(path)} is empty`);
    return text;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : 'cannot be read';
    throw new UsageError(`--body-file ${quote(path)} ${why}`);
  }
};

/** Belt and braces: whatever a library put in a message, the token never reaches the log. */
const redact = (text: string, token: string): string =>
  token.length > 0 ? text.split(token).join('[REDACTED]') : text;

const runComment = async (options: CommentOptions): Promise<number> => {
  let token = '';
  try {
    const target = parseTarget(options, process.env);
    token = target.token;
    const body = await readBodyFile(options.bodyFile);
    // Loaded here, not at start-up: every other command (validate in CI above all) would pay ~20 ms for it.
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({
      auth: target.token,
      baseUrl: target.baseUrl,
      userAgent: 'lifeboat-cli',
      log: silent,
      request: { signal: AbortSignal.timeout(TIMEOUT_MS) },
    });
    const result = await upsertStickyComment({
      octokit,
      owner: target.owner,
      repo: target.repo,
      issueNumber: target.issueNumber,
      marker: target.marker,
      body,
      updateOnly: options.updateOnly === true,
    });
    if (result.action === 'failed') {
      process.stderr.write(`lifeboat comment: ${redact(result.message, token)}\n`);
      return EXIT.usage;
    }
    if (result.action === 'absent') {
      process.stdout.write(
        `absent: no ${markerTag(target.marker)} comment on pull request #${target.issueNumber}, none started (--update-only)\n`,
      );
      return EXIT.ok;
    }
    process.stdout.write(`${result.action} ${result.url}\n`);
    return EXIT.ok;
  } catch (err) {
    return commandFailed('comment', err, (message) => redact(message, token));
  }
};

export const registerComment = (program: Command): void => {
  program
    .command('comment')
    .description(
      'Create or update the one sticky comment on a pull request (token from GITHUB_TOKEN, API from GITHUB_API_URL).',
    )
    .requiredOption('--repo <owner/name>', 'repository, e.g. "acme/lifeboat"')
    .requiredOption('--pr <number>', 'pull request number')
    .requiredOption('--body-file <path>', 'Markdown file with the comment body')
    .option('--marker <name>', 'which sticky comment (hidden tag <!-- lifeboat:<name> -->)', 'plan')
    .option(
      '--update-only',
      'edit the comment if it is there, never start one (e.g. a snapshot preview that has nothing to say)',
    )
    .addHelpText(
      'after',
      '\nEnvironment:\n  GITHUB_TOKEN    token with pull-requests: write (never passed as a flag)\n  GITHUB_API_URL  API base URL (default https://api.github.com)\n\nPrints "<created|updated|unchanged> <comment URL>", or "absent: …" when --update-only found none. Exit 0 on success, 2 on bad usage or an API failure.',
    )
    .action(async (options: CommentOptions) => {
      process.exitCode = await runComment(options);
    });
};
