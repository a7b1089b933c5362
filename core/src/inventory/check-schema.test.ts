import { describe, expect, it } from 'vitest';
import { loadYaml } from '../loader/index.js';
import type { Problem } from '../problem/index.js';
import { checkSchema } from './check-schema.js';
import { POLICY, SITE } from './testing/documents.js';

const check = (text: string) => {
  const loaded = loadYaml({ path: 'sites/lisle.yaml', content: text });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return checkSchema(loaded.document);
};

/** `code line:col path: message` for each problem. */
const describeAll = (problems: Problem[]) =>
  problems.map((p) => `${p.code} ${p.line}:${p.col} ${p.path}: ${p.message}`);

describe('checkSchema', () => {
  it('accepts a valid document and returns its kind', () => {
    expect(check(SITE)).toEqual({ kind: 'Site', problems: [] });
    expect(check(POLICY)).toEqual({ kind: 'BackupPolicy', problems: [] });
  });

  it('reports an unknown key at the key, suggesting the nearest allowed one', () => {
    expect(describeAll(check(SITE.replace('  environment:', '  enviroment:')).problems)).toEqual([
      'schema.required 6:3 spec.environment: spec is missing required key "environment"',
      'schema.unknown-key 7:3 spec.enviroment: unknown key "enviroment" in spec; did you mean "environment"?',
    ]);
  });

  it('makes no suggestion when nothing is close', () => {
    expect(describeAll(check(`${SITE}  zzzzzz: 1\n`).problems)).toEqual([
      'schema.unknown-key 14:3 spec.zzzzzz: unknown key "zzzzzz" in spec',
    ]);
  });

  it('reports a missing required key at the mapping that lacks it', () => {
    expect(describeAll(check(SITE.replace('  timezone: America/Chicago\n', '')).problems)).toEqual([
      'schema.required 6:3 spec.timezone: spec is missing required key "timezone"',
    ]);
  });

  it('reports a wrong type at the value, naming both types', () => {
    expect(describeAll(check(SITE.replace('labels: [lisle]', 'labels: lisle')).problems)).toEqual([
      'schema.type 9:13 spec.runner.labels: spec.runner.labels must be a list, got string "lisle"',
    ]);
    expect(describeAll(check(SITE.replace('nas: []', 'nas: 5')).problems)).toEqual([
      'schema.type 10:8 spec.nas: spec.nas must be a list, got number 5',
    ]);
    expect(describeAll(check(POLICY.replace('keepDaily: 7', 'keepDaily: "seven"')).problems)).toEqual([
      'schema.type 16:16 spec.retention.keepDaily: spec.retention.keepDaily must be an integer, got string "seven"',
    ]);
  });

  it('lists the allowed values for an enum', () => {
    expect(describeAll(check(SITE.replace('environment: office', 'environment: offfice')).problems)).toEqual([
      'schema.enum 7:16 spec.environment: spec.environment must be one of "office", "grocery", "hospitality", "datacenter", "lab", got "offfice"',
    ]);
  });

  it('explains a pattern with its description', () => {
    expect(describeAll(check(SITE.replace('name: lisle', 'name: Lisle_HQ')).problems)).toEqual([
      'schema.pattern 4:9 metadata.name: metadata.name "Lisle_HQ" is not valid: Lower-case identifier: letters, digits and dashes, starting with a letter (max 63).',
    ]);
  });

  it('reports range and uniqueness violations', () => {
    expect(describeAll(check(SITE.replace('labels: [lisle]', 'labels: []')).problems)).toEqual([
      'schema.value 9:13 spec.runner.labels: spec.runner.labels must NOT have fewer than 1 items',
    ]);
    expect(
      check(SITE.replace('approvers: []', 'approvers: [U0123456, U0123456]')).problems.map((p) => p.code),
    ).toEqual(['schema.duplicate-item']);
  });

  it('reports a wrong or missing apiVersion once', () => {
    expect(describeAll(check(SITE.replace('lifeboat/v1', 'lifeboat/v2')).problems)).toEqual([
      'schema.api-version 1:13 apiVersion: unsupported apiVersion "lifeboat/v2": expected "lifeboat/v1"',
    ]);
    expect(describeAll(check(SITE.replace('apiVersion: lifeboat/v1\n', '')).problems)).toEqual([
      'schema.api-version 1:1 apiVersion: missing apiVersion: expected "lifeboat/v1"',
    ]);
  });

  it('reports an unknown or missing kind, and refuses RunRecord in the inventory', () => {
    expect(describeAll(check(SITE.replace('kind: Site', 'kind: Sight')).problems)).toEqual([
      'schema.kind 2:7 kind: unknown kind "Sight": expected one of Site, BackupPolicy, Image',
    ]);
    expect(describeAll(check(SITE.replace('kind: Site\n', '')).problems)).toEqual([
      'schema.kind 1:1 kind: missing kind: expected one of Site, BackupPolicy, Image',
    ]);
    expect(check(SITE.replace('kind: Site', 'kind: RunRecord')).problems.map((p) => p.code)).toEqual([
      'schema.kind',
    ]);
  });

  it('refuses a top-level list or scalar', () => {
    expect(describeAll(check('- a\n- b\n').problems)).toEqual([
      'schema.not-a-mapping 1:1 : document must be a mapping with apiVersion, kind, metadata and spec, got list',
    ]);
    expect(check('hello\n').problems[0]?.message).toMatch(/got string$/);
  });

  it('treats __proto__ and constructor as unknown keys, not as prototypes', () => {
    expect(describeAll(check(`${SITE}__proto__:\n  polluted: true\n`).problems)).toEqual([
      'schema.unknown-key 14:1 __proto__: unknown key "__proto__" in document',
    ]);
    expect(
      describeAll(
        check(SITE.replace('spec:\n', 'spec:\n  constructor:\n    prototype: {polluted: true}\n')).problems,
      ),
    ).toEqual(['schema.unknown-key 6:3 spec.constructor: unknown key "constructor" in spec']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('quotes hostile keys so messages stay on one line', () => {
    const [p] = check(`${SITE}  "evil\\e[31m\\nkey": 1\n`).problems;
    expect(p?.message).toBe('unknown key "evil\\u001b[31m\\nkey" in spec');
  });

  it('reports every violation in a document, not only the first', () => {
    const broken = SITE.replace('environment: office', 'environment: 7').replace(
      'labels: [lisle]',
      'labels: lisle',
    );
    expect(check(broken).problems.map((p) => p.code)).toEqual(['schema.enum', 'schema.type']);
  });
});
