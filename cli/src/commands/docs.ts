// `lifeboat docs`: generate the runbook site's pages from the inventory and run records, build it, serve it.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Problem, quote } from '@lifeboat/core';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { checkRoot } from '../options/root.js';
import { checkStateDir, parseNow } from './runs.js';

export interface DocsOptions {
  root: string;
  stateDir?: string;
  out?: string;
  docsDir?: string;
  /** Commander's --no-build: false skips the Docusaurus build. */
  build: boolean;
  serve?: boolean;
  port: string;
  now?: string;
  json?: boolean;
}

const HELP = `
Pages are generated into docs-site/site/docs/ (never edited by hand, never committed), then
"docusaurus build" turns them into a static site in --out (default docs-site/site/build/).

State directory (run records for the status page and drill history): --state-dir when given;
else each site's runner.stateDir from the inventory.

--now fixes the moment next runs and record ages are counted from (default: the clock).
LIFEBOAT_DOCS_BASE_URL and LIFEBOAT_DOCS_URL set where the site will be published
(e.g. /infra/ and https://org.github.io for GitHub Pages; default / on http://127.0.0.1).

Exit codes:
  0  generated (and built, and served until Ctrl-C, when asked)
  1  the inventory has errors (run lifeboat validate), or the site did not build (the line says why)
  2  usage error (bad flag value, --root or --state-dir missing) or internal error`;

/** `--port`: 0 (any free port) to 65535. */
export const parsePort = (text: string): number => {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535)
    throw new UsageError(`--port ${quote(text, 40)} is not a port number (0-65535)`);
  return port;
};

const problemText = (p: Problem): string =>
  `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message} (${p.code})`;

/** Resolves on Ctrl-C or SIGTERM: the server runs until the person stops it. */
const untilStopped = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

export const runDocs = async (options: DocsOptions): Promise<number> => {
  const say = (line: string) => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  try {
    const now = parseNow(options.now);
    const port = parsePort(options.port);
    await checkRoot(options.root);
    if (options.stateDir !== undefined) await checkStateDir(options.stateDir);
    const { buildSite, DEFAULT_BUILD_DIR, DEFAULT_DOCS_DIR, generateDocs, serveStatic } = await import(
      '@lifeboat/docs-site'
    );
    const outDir = path.resolve(options.out ?? DEFAULT_BUILD_DIR);
    const docsDir = path.resolve(options.docsDir ?? DEFAULT_DOCS_DIR);
    // Serving an old build without rebuilding: say so before doing any work.
    if (options.serve && !options.build) {
      const isBuilt = await stat(path.join(outDir, 'index.html')).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!isBuilt) throw new UsageError(`${quote(outDir, 200)} holds no built site: run without --no-build`);
    }

    const started = performance.now();
    const generated = await generateDocs({
      root: options.root,
      outDir: docsDir,
      now,
      // The troubleshooting page explains every code, the bot's included (docs-site can't import the bot).
      catalogue: (await import('./explain-catalogue.js')).everyCode(),
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    });
    for (const p of generated.problems) say(`lifeboat docs: ${problemText(p)}`);
    const errors = generated.problems.filter((p) => p.severity === 'error').length;
    const summary = {
      version: 1,
      docsDir,
      pages: generated.files.length,
      generateMs: Math.round(performance.now() - started),
      problems: generated.problems,
      build: undefined as { ok: boolean; outDir: string; durationMs: number; error?: string } | undefined,
    };
    const finish = (code: number) => {
      if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return code;
    };
    if (errors > 0) {
      say(`lifeboat docs: the inventory has ${errors} error(s); nothing built (run lifeboat validate)`);
      return finish(EXIT.problems);
    }
    say(`lifeboat docs: ${generated.files.length} pages generated in ${docsDir}`);

    if (options.build) {
      say('lifeboat docs: building the site (docusaurus build; a few minutes)…');
      const built = await buildSite({
        docsDir,
        outDir,
        onProgress: (line) => say(`  ${line}`),
      });
      summary.build = {
        ok: built.ok,
        outDir: built.outDir,
        durationMs: Math.round(built.durationMs),
        ...(built.error === undefined ? {} : { error: built.error }),
      };
      if (!built.ok) {
        // The one line that says why, last, where the eye lands.
        process.stderr.write(`lifeboat docs: site build failed: ${built.error}\n`);
        return finish(EXIT.problems);
      }
      say(`lifeboat docs: site built in ${outDir} (${(built.durationMs / 1000).toFixed(1)} s)`);
    }
    if (!options.serve) return finish(EXIT.ok);

    const server = await serveStatic({ dir: outDir, port }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new UsageError(`--port ${port} is already in use`);
      throw err;
    });
    process.stderr.write(`lifeboat docs: serving ${server.url}/ (Ctrl-C to stop)\n`);
    await untilStopped();
    await server.close();
    return finish(EXIT.ok);
  } catch (err) {
    return commandFailed('docs', err);
  }
};

export const registerDocs = (program: Command): void => {
  program
    .command('docs')
    .description(
      'Generate the runbook site from the inventory and run records, build it, optionally serve it.',
    )
    .option('--root <dir>', 'inventory root (sites/, policies/, images/, runbooks/)', '.')
    .option('--state-dir <dir>', 'state directory holding runs/ (default: each site’s runner.stateDir)')
    .option('--out <dir>', 'where the built site goes (default docs-site/site/build)')
    .option('--docs-dir <dir>', 'where the pages are generated (default docs-site/site/docs)')
    .option('--no-build', 'generate the pages only')
    .option('--serve', 'serve the built site on 127.0.0.1 until Ctrl-C')
    .option('--port <n>', 'port for --serve (0: any free port)', '3000')
    .option('--now <time>', 'the moment "now" is (ISO 8601), for next runs and ages')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText('after', HELP)
    .action(async (options: DocsOptions) => {
      process.exitCode = await runDocs(options);
    });
};
