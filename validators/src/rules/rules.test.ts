import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_CATALOGUE } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { buildInventory, image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { validateInventory } from '../validate.js';
import { RULES, type Rule } from './index.js';

// The rule list is explicit; these checks keep it, the files and the documented codes in step.

const dir = path.dirname(fileURLToPath(import.meta.url));
const NOT_RULES = new Set(['index', 'rule']);
const ruleFiles = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
  .map((e) => e.name.slice(0, -'.ts'.length))
  .filter((name) => !NOT_RULES.has(name))
  .sort();

/** The codes agreed for semantic rules (lifeboat brief); a new code is a decision, not a side effect. */
const AGREED_CODES = [
  'names.duplicate',
  'ref.site',
  'ref.nas-target',
  'ref.offsite-remote',
  'ref.image-store',
  'ref.approver',
  'cron.invalid',
  'timezone.invalid',
  'schedule.exceeds-rpo',
  'retention.empty',
  'retention.below-minimum',
  'forget.unscoped-shared-repo',
  'durability.3-2-1',
  'drill.missing',
  'check.coverage',
  'secret.literal',
  'secret.high-entropy',
  'path.unsafe-target',
  'image.checksum-mode',
  'image.partitions',
  'window.invalid',
  'window.heavy-job-outside',
  'site.repository-url',
];

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' && value !== null && 'id' in value && 'check' in value && 'codes' in value;

describe('RULES', () => {
  it('lists every rule file exactly once; each file exports one rule whose id is its file name', async () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    for (const file of ruleFiles) {
      const module: Record<string, unknown> = await import(`./${file}.ts`);
      const exported = Object.values(module).filter(isRule);
      expect([file, exported.length]).toEqual([file, 1]);
      expect(exported[0]?.id).toBe(file);
      expect([file, RULES.filter((r) => r === exported[0]).length]).toEqual([file, 1]);
    }
    expect(RULES.map((r) => r.id).sort()).toEqual(ruleFiles);
  });

  it('every code a rule test asserts is declared by that rule, and every declared code is asserted', () => {
    for (const rule of RULES) {
      const test = readFileSync(path.join(dir, `${rule.id}.test.ts`), 'utf8');
      const asserted = [
        ...new Set([...test.matchAll(/code: '([a-z0-9.-]+)'/g)].map((m) => m[1] as string)),
      ].sort();
      expect([rule.id, asserted]).toEqual([rule.id, Object.keys(rule.codes).sort()]);
    }
  });

  it('declares exactly the agreed codes, each once, none shadowing a core code, each with title, cause and fix', () => {
    const declared = RULES.flatMap((r) => Object.keys(r.codes));
    expect([...declared].sort()).toEqual([...AGREED_CODES].sort());
    for (const code of declared) {
      expect(CORE_CATALOGUE[code]).toBeUndefined();
      const entry = RULES.find((r) => code in r.codes)?.codes[code];
      expect([code, Boolean(entry?.title && entry.cause && entry.fix)]).toEqual([code, true]);
    }
  });

  it('has a kebab-case id and a one-line description for every rule', () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.description).toMatch(/^[^\n]{10,}$/);
    }
  });

  it('the test inventory (valid site, policy and image) passes the schema and every rule', () => {
    expect(validateInventory(buildInventory(inventoryFiles()))).toEqual([]);
  });

  it('keeps every message on one line when user strings carry newlines and escapes', () => {
    const evil = '\n\u001b[2J\r';
    const files = inventoryFiles(
      site((s) => {
        s.spec.timezone = `Mars/Base${evil}`;
        s.spec.nas.push({ name: 'nas2', repository: `ftp://x${evil}`, credentials: {} });
        s.spec.runner.sandboxDir = `/lib${evil}/x`;
      }),
      policy((p) => {
        p.spec.schedule.cron = `0 0 * * *${evil}x`;
        if (p.spec.restore) p.spec.restore.alternateTarget = `/etc/${evil}`;
        p.metadata.labels = { token: `abc${evil}` };
      }),
      image((i) => {
        if (i.spec.drill) i.spec.drill.schedule.timezone = `Nowhere${evil}`;
      }),
    );
    const problems = validateInventory(buildInventory(files));
    const fromRules = problems.filter((p) => RULES.some((r) => p.code in r.codes));
    expect(new Set(fromRules.map((p) => p.code))).toEqual(
      new Set([
        'timezone.invalid',
        'site.repository-url',
        'path.unsafe-target',
        'cron.invalid',
        'secret.literal',
      ]),
    );
    for (const p of fromRules)
      expect([p.code, [...p.message].some((c) => c.charCodeAt(0) < 0x20)]).toEqual([p.code, false]);
  });
});
