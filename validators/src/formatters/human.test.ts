import { describe, expect, it } from 'vitest';
import { formatHuman, NO_FILE } from './human.js';
import { HOSTILE, problem, SAMPLE } from './testing/sample-problems.js';

const ESC = '\u001b';

describe('formatHuman', () => {
  it('groups problems by file, sorted by position, one clickable line each, then a summary', () => {
    expect(formatHuman(SAMPLE, { files: 14 })).toBe(
      [
        'sites/lisle.yaml',
        '  sites/lisle.yaml:1:1 warning inventory.schema-header first line should be "# x"',
        '  sites/lisle.yaml:7:3 error schema.unknown-key unknown key "tmezone" in spec; did you mean "timezone"?',
        '',
        'sites/portage.yaml',
        '  sites/portage.yaml:4:9 error timezone.invalid unknown time zone "Mars/Olympus"',
        '',
        '2 errors, 1 warning in 2 files (14 files checked)',
        '',
      ].join('\n'),
    );
  });

  it('prints only the summary when there are no problems', () => {
    expect(formatHuman([], { files: 14 })).toBe('no problems in 14 files\n');
  });

  it('uses no colour unless asked', () => {
    expect(formatHuman(SAMPLE)).not.toContain(ESC);
  });

  it('colours severities, headings and the summary when asked', () => {
    const out = formatHuman(SAMPLE, { color: true });
    expect(out).toContain(`${ESC}[31merror${ESC}[39m`);
    expect(out).toContain(`${ESC}[33mwarning${ESC}[39m`);
    expect(out).toContain(`${ESC}[1m`);
  });

  it('keeps hostile file names and messages on one line with no raw escape byte', () => {
    const out = formatHuman([HOSTILE]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4); // heading, the problem, blank, summary
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\r');
    expect(out).not.toContain('\u202e');
    expect(lines[1]).toMatch(/^ {2}sites\/\\u001b\[31mred\\nfake\.yaml:7:3 error schema\.pattern /);
  });

  it('shows problems that belong to no file under a placeholder heading', () => {
    const out = formatHuman([problem({ file: '', code: 'internal.rule-failed', message: 'rule x failed' })]);
    expect(out.split('\n')[0]).toBe(NO_FILE);
    expect(out).toContain(`  ${NO_FILE}:7:3 error internal.rule-failed rule x failed`);
  });
});
