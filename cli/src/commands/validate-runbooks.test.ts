import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit.js';
import { runValidate } from './validate.js';

// `lifeboat validate` lints runbooks/ when it exists: same output, same exit code.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'lifeboat-validate-runbooks-'));
  for (const dir of ['sites', 'policies', 'images', 'runbooks'])
    await cp(path.join(REPO, dir), path.join(root, dir), { recursive: true });
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const validate = async (format: string) => {
  const output = path.join(root, `out.${format}`);
  const code = await runValidate({ root, format, output, color: false });
  return { code, text: await readFile(output, 'utf8') };
};

describe('validate with runbooks', () => {
  it('passes the example inventory and its runbooks', async () => {
    const { code, text } = await validate('json');
    expect(JSON.parse(text).problems).toEqual([]);
    expect(code).toBe(EXIT.ok);
  });

  it('reports a runbook problem at file:line:col and exits 1', async () => {
    const bad = path.join(root, 'runbooks', 'broken.md');
    await writeFile(bad, '# Broken\n\n## Purpose\n\nWhy.\n\n## Steps\n\n::restore-steps{policy="nope"}\n');
    try {
      const human = await validate('human');
      expect(human.code).toBe(EXIT.problems);
      expect(human.text).toContain('runbooks/broken.md:9:1');
      expect(human.text).toContain('runbook.unknown-policy');
      expect(human.text).toContain('runbook.missing-section');
      const sarif = JSON.parse((await validate('sarif')).text);
      const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
      expect(rules).toContain('runbook.unknown-policy');
    } finally {
      await rm(bad);
    }
  });
});
