#!/usr/bin/env node
// `npm test`: set up what is missing, lint, typecheck, run every test, and end with one plain summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSummary } from './test-summary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const step = (name, cmd, args) => {
  process.stderr.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
};
const bin = (pkg, path) => `${root}/node_modules/${pkg}/${path}`;

if (step('setup', process.execPath, [`${root}/scripts/setup.mjs`, '--browser']) !== 0) process.exit(1);
const lint = step('lint (biome ci)', bin('@biomejs/biome', 'bin/biome'), ['ci', '.']);
const types = step('typecheck tests (tsc -p tsconfig.test.json)', process.execPath, [
  bin('typescript', 'bin/tsc'),
  '-p',
  'tsconfig.test.json',
]);
mkdirSync(`${root}/reports`, { recursive: true });
const tests = step('tests (vitest)', process.execPath, [
  bin('vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=reports/vitest.json',
  ...process.argv.slice(2),
]);
const ok = printSummary(`${root}/reports/vitest.json`);
if (lint !== 0) process.stderr.write('lint failed\n');
if (types !== 0) process.stderr.write('typecheck failed\n');
process.exit(lint === 0 && types === 0 && tests === 0 && ok ? 0 : 1);
