import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_CATALOGUE } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { RUNNER_CATALOGUE } from './catalogue.js';
import { codePrefix, fullCatalogue } from './full-catalogue.js';
import { mergeCatalogues } from './merge.js';
import { CODE_SHAPE, scanEmittedCodes, scanSource } from './testing/emitted-codes.js';

const RUNNERS_SRC = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every template in the shipped sources that is shaped like a code, with the codes it can produce. A new
 * template fails the test until it is listed here (with its codes catalogued, or none if it is a path).
 */
const TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  // asFailure() on a tool result that succeeded where a failure was expected: the adapters' tool names.
  '<result.tool>.failed': ['restic.failed', 'rclone.failed', 'partclone.failed'],
  '<path>.file': [], // a YAML path in a manifest problem
  'partitions.<i>': [], // a YAML path in a manifest problem
  '<file>.takeover': [], // the lock takeover guard file
  'fsck.<fs>': [], // a program name
};

describe('RUNNER_CATALOGUE', () => {
  const scan = scanEmittedCodes(RUNNERS_SRC);

  it('scans enough of the sources to mean something', () => {
    // A broken walk (wrong root, everything excluded) would otherwise pass with nothing found.
    expect(new Set(scan.codes.map((c) => c.text)).size).toBeGreaterThan(100);
    expect(scan.codes.some((c) => c.file === 'jobs/hooks.ts' && c.text === 'hook.timeout')).toBe(true);
  });

  it('has an entry for every code the runners emit', () => {
    const missing = scan.codes
      .filter((c) => RUNNER_CATALOGUE[c.text] === undefined)
      .map((c) => `${c.file}:${c.line} ${c.text}`);
    expect(missing).toEqual([]);
  });

  it('knows every code-building template and catalogues what it builds', () => {
    const unknown = scan.templates
      .filter((t) => TEMPLATES[t.text] === undefined)
      .map((t) => `${t.file}:${t.line} ${t.text}`);
    expect(unknown).toEqual([]);
    const built = scan.templates.flatMap((t) => TEMPLATES[t.text] ?? []);
    expect(built.filter((code) => RUNNER_CATALOGUE[code] === undefined)).toEqual([]);
  });

  it('gives every entry a title, a cause and a fix', () => {
    const empty = Object.entries(RUNNER_CATALOGUE)
      .filter(([, e]) => [e.title, e.cause, e.fix].some((t) => typeof t !== 'string' || t.trim() === ''))
      .map(([code]) => code);
    expect(empty).toEqual([]);
    const badCodes = Object.keys(RUNNER_CATALOGUE).filter((c) => !CODE_SHAPE.test(c));
    expect(badCodes).toEqual([]);
  });

  it('covers the run, job, ledger, image and tool tables', () => {
    for (const code of [
      'run.cancelled',
      'credentials.missing',
      'sync.remote-unconfigured',
      'ledger.corrupt',
      'image.verify-failed',
      'restic.locked',
      'rclone.auth',
      'partclone.image-corrupt',
      'disk.fsck-errors',
    ]) {
      expect(RUNNER_CATALOGUE[code]?.title, code).toBeTruthy();
    }
  });
});

describe('scanSource', () => {
  it('finds codes in every shape they are produced in, and nothing else', () => {
    // A file, not a string here: the sample is TypeScript source with `${…}` templates in it.
    const text = readFileSync(new URL('./fixtures/code-shapes/source.ts.txt', import.meta.url), 'utf8');
    const scan = scanSource('x.ts', text);
    expect(scan.codes.map((c) => [c.text, c.line])).toEqual([
      ['alpha.one', 3],
      ['alpha.two-three', 4],
      ['alpha.four', 5],
      ['alpha.five', 5],
      ['alpha.six', 6],
      ['alpha.seven', 7],
      ['kebab-prefix.some-code', 13],
    ]);
    expect(scan.templates.map((t) => t.text)).toEqual(['<tool>.failed', 'restic.<kind>']);
  });
});

describe('fullCatalogue', () => {
  const validation = {
    ...CORE_CATALOGUE,
    'rule.example': { title: 'Example', cause: 'A rule found something.', fix: 'Change it.' },
  };

  it("merges core's, the validation rules' and the runners' codes, sorted", () => {
    const full = fullCatalogue(validation);
    expect(full['yaml.syntax']).toEqual(CORE_CATALOGUE['yaml.syntax']);
    expect(full['rule.example']?.title).toBe('Example');
    expect(full['hook.failed']).toEqual(RUNNER_CATALOGUE['hook.failed']);
    const codes = Object.keys(full);
    expect(codes).toEqual([...codes].sort());
    expect(codes.length).toBe(new Set([...Object.keys(validation), ...Object.keys(RUNNER_CATALOGUE)]).size);
  });

  it("adds other packages' catalogues (the bot's, the docs')", () => {
    const bot = { 'authz.example': { title: 'Bot', cause: 'A bot refusal.', fix: 'Ask.' } };
    expect(fullCatalogue(validation, bot)['authz.example']?.title).toBe('Bot');
    expect(fullCatalogue(validation)['authz.example']).toBeUndefined();
  });

  it('refuses a code explained twice differently', () => {
    expect(() =>
      fullCatalogue({ 'hook.failed': { title: 'Other', cause: 'Other.', fix: 'Other.' } }),
    ).toThrow(/hook\.failed is defined twice/);
  });

  it('takes the same entry twice', () => {
    const entry = { title: 'T', cause: 'C', fix: 'F' };
    expect(mergeCatalogues([{ 'a.b': entry }, { 'a.b': { ...entry } }])).toEqual({ 'a.b': entry });
  });

  it('groups codes by their first word', () => {
    expect(codePrefix('restic.locked')).toBe('restic');
    expect(codePrefix('image.card-fake-capacity')).toBe('image');
  });
});
