// `lifeboat schemas`: writes or checks the JSON Schema files editors use, generated from core's schemas.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JSON_SCHEMA_DIR, quote, renderJsonSchemas } from '@lifeboat/core';
import { oneLine } from '@lifeboat/validators';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';

export interface SchemasOptions {
  root: string;
  write?: boolean;
  check?: boolean;
}

export interface SchemaDrift {
  /** Committed file differs from the generated one. */
  drifted: string[];
  /** Generated file not committed. */
  missing: string[];
  /** `*.schema.json` committed that no kind generates any more. */
  extra: string[];
}

const GENERATED = /\.schema\.json$/;

const listGenerated = async (dir: string): Promise<string[]> => {
  try {
    return (await readdir(dir)).filter((n) => GENERATED.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
};

/** Compare `<root>/schemas/` with what core generates now. */
export const schemaDrift = async (root: string): Promise<SchemaDrift> => {
  const dir = path.join(root, JSON_SCHEMA_DIR);
  const expected = renderJsonSchemas();
  const present = await listGenerated(dir);
  const drift: SchemaDrift = { drifted: [], missing: [], extra: [] };
  for (const [name, text] of [...expected].sort(([a], [b]) => a.localeCompare(b))) {
    if (!present.includes(name)) drift.missing.push(name);
    else if ((await readFile(path.join(dir, name), 'utf8')) !== text) drift.drifted.push(name);
  }
  drift.extra = present.filter((n) => !expected.has(n));
  return drift;
};

const checkRoot = async (root: string): Promise<void> => {
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new UsageError(`--root ${quote(root, 200)} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`--root ${quote(root, 200)} is not a directory`);
};

const runWrite = async (root: string): Promise<number> => {
  const dir = path.join(root, JSON_SCHEMA_DIR);
  const drift = await schemaDrift(root);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of renderJsonSchemas()) await writeFile(path.join(dir, name), text);
  for (const name of drift.extra) await rm(path.join(dir, name));
  const changed = [...drift.drifted, ...drift.missing];
  for (const name of changed) process.stdout.write(`wrote ${JSON_SCHEMA_DIR}/${name}\n`);
  for (const name of drift.extra) process.stdout.write(`removed ${JSON_SCHEMA_DIR}/${name}\n`);
  if (changed.length + drift.extra.length === 0) process.stdout.write(`${JSON_SCHEMA_DIR}/ is up to date\n`);
  return EXIT.ok;
};

const runCheck = async (root: string): Promise<number> => {
  const drift = await schemaDrift(root);
  const lines = [
    ...drift.drifted.map((n) => `drifted: ${JSON_SCHEMA_DIR}/${n}`),
    ...drift.missing.map((n) => `missing: ${JSON_SCHEMA_DIR}/${n}`),
    ...drift.extra.map((n) => `extra: ${JSON_SCHEMA_DIR}/${oneLine(n)}`),
  ];
  if (lines.length === 0) {
    process.stdout.write(`${JSON_SCHEMA_DIR}/ matches the schemas in core\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${lines.join('\n')}\nrun "lifeboat schemas --write" and commit the result\n`);
  return EXIT.problems;
};

export const runSchemas = async (options: SchemasOptions): Promise<number> => {
  try {
    if (options.write && options.check) throw new UsageError('use either --write or --check, not both');
    await checkRoot(options.root);
    return options.write ? await runWrite(options.root) : await runCheck(options.root);
  } catch (err) {
    return commandFailed('schemas', err, oneLine);
  }
};

export const registerSchemas = (program: Command): void => {
  program
    .command('schemas')
    .description('Write or check the JSON Schema files in schemas/ that editors use to check the YAML.')
    .option('--write', 'write schemas/<Kind>.schema.json from the schemas in core (and remove stale ones)')
    .option('--check', 'compare schemas/ with the schemas in core; the default when --write is not given')
    .option('--root <dir>', 'repository root that holds schemas/', '.')
    .addHelpText(
      'after',
      '\nThe files are generated: never edit them by hand.\n\nExit codes:\n  0  written, or up to date\n  1  --check found drifted, missing or extra files (listed on standard output)\n  2  usage or internal error',
    )
    .action(async (options: SchemasOptions) => {
      process.exitCode = await runSchemas(options);
    });
};
