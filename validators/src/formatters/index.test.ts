import { describe, expect, it } from 'vitest';
import { FORMATS, formatProblems, isFormatName } from './index.js';
import { SAMPLE } from './testing/sample-problems.js';

describe('formatProblems', () => {
  it('knows exactly the four formats', () => {
    expect(FORMATS).toEqual(['human', 'github', 'json', 'sarif']);
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('xml')).toBe(false);
  });

  it('dispatches to each formatter', () => {
    expect(formatProblems(SAMPLE, 'human', { files: 3 })).toMatch(
      /^sites\/lisle\.yaml\n {2}sites\/lisle\.yaml:1:1 /,
    );
    expect(formatProblems(SAMPLE, 'github')).toMatch(/^::warning file=sites\/lisle\.yaml/);
    expect(JSON.parse(formatProblems(SAMPLE, 'json', { files: 3 })).summary.files).toBe(3);
    expect(JSON.parse(formatProblems(SAMPLE, 'sarif')).version).toBe('2.1.0');
  });

  it('passes the colour option to the human format only', () => {
    expect(formatProblems(SAMPLE, 'human', { color: true })).toContain('\u001b[');
    expect(formatProblems(SAMPLE, 'github', { color: true })).not.toContain('\u001b');
  });
});
