import { describe, expect, it } from 'vitest';
import {
  inventoryFiles,
  policy,
  site,
  toYaml,
  VALID_POLICY,
  VALID_SITE,
} from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { uniqueNames } from './unique-names.js';

describe('unique-names', () => {
  it('accepts distinct names, and one name shared by objects of different kinds', () => {
    const files = inventoryFiles(
      VALID_SITE,
      VALID_POLICY,
      policy((p) => {
        p.metadata.name = 'lisle';
        p.spec.repository.path = 'other';
      }),
    );
    expect(runRule(uniqueNames, files)).toEqual([]);
  });

  it('names.duplicate: reports the later file and names the first file and line', () => {
    const files = inventoryFiles(
      VALID_SITE,
      ['policies/a.yaml', VALID_POLICY],
      ['policies/b.yaml', VALID_POLICY],
    );
    const first = at(files, 'policies/a.yaml', 'name: office-share', 'office-share');
    expect(runRule(uniqueNames, files)).toEqual([
      {
        code: 'names.duplicate',
        severity: 'error',
        ...at(files, 'policies/b.yaml', 'name: office-share', 'office-share'),
        path: 'metadata.name',
        message: `BackupPolicy "office-share" is already defined at policies/a.yaml:${first.line}`,
      },
    ]);
  });

  it('names.duplicate: every later copy names the first, including a copy that fails the schema', () => {
    const broken = { ...site(), spec: { ...site().spec, timezone: 42 } };
    const files = {
      ...inventoryFiles(['sites/a.yaml', VALID_SITE], ['sites/b.yaml', VALID_SITE]),
      'sites/c.yaml': toYaml(broken, 'Site', 'sites/c.yaml'),
    };
    const problems = runRule(uniqueNames, files, { allowLoadErrors: true });
    expect(
      problems.map((p) => ({ code: p.code, file: p.file, line: p.line, col: p.col, path: p.path })),
    ).toEqual([
      {
        code: 'names.duplicate',
        ...at(files, 'sites/b.yaml', 'name: lisle', 'lisle'),
        path: 'metadata.name',
      },
      {
        code: 'names.duplicate',
        ...at(files, 'sites/c.yaml', 'name: lisle', 'lisle'),
        path: 'metadata.name',
      },
    ]);
    const first = at(files, 'sites/a.yaml', 'name: lisle');
    expect(
      problems.every((p) => p.message === `Site "lisle" is already defined at sites/a.yaml:${first.line}`),
    ).toBe(true);
  });
});
