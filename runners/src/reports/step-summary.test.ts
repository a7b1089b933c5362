import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStateDir } from '../ledger/testing/records.js';
import { appendStepSummary } from './step-summary.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

describe('appendStepSummary', () => {
  it('appends to the file GITHUB_STEP_SUMMARY names, keeping what earlier steps wrote', async () => {
    const file = path.join(dir, 'summary.md');
    await writeFile(file, '# earlier step\n');
    expect(await appendStepSummary('| a |\n', { GITHUB_STEP_SUMMARY: file })).toBe(true);
    expect(await appendStepSummary('second', { GITHUB_STEP_SUMMARY: file })).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('# earlier step\n| a |\n\nsecond\n\n');
  });

  it('does nothing outside GitHub Actions', async () => {
    expect(await appendStepSummary('x', {})).toBe(false);
    expect(await appendStepSummary('x', { GITHUB_STEP_SUMMARY: '' })).toBe(false);
  });
});
