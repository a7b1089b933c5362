import { describe, expect, it } from 'vitest';
import { formatJson, toJsonReport } from './json.js';
import { HOSTILE, SAMPLE } from './testing/sample-problems.js';

describe('formatJson', () => {
  it('writes version, summary and the problems sorted by file and position', () => {
    const report = JSON.parse(formatJson(SAMPLE, { files: 14 }));
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ errors: 2, warnings: 1, notes: 0, files: 14 });
    expect(report.problems.map((p: { file: string; line: number }) => `${p.file}:${p.line}`)).toEqual([
      'sites/lisle.yaml:1',
      'sites/lisle.yaml:7',
      'sites/portage.yaml:4',
    ]);
    expect(report.problems[1]).toEqual({
      code: 'schema.unknown-key',
      severity: 'error',
      message: 'unknown key "tmezone" in spec; did you mean "timezone"?',
      file: 'sites/lisle.yaml',
      line: 7,
      col: 3,
      path: 'spec.tmezone',
    });
  });

  it('counts files with problems when the number checked is unknown', () => {
    expect(toJsonReport(SAMPLE).summary.files).toBe(2);
  });

  it('round-trips hostile text exactly, with no raw control byte in the output', () => {
    const out = formatJson([HOSTILE]);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u202e');
    expect(JSON.parse(out).problems[0].message).toBe(HOSTILE.message);
    expect(JSON.parse(out).problems[0].file).toBe(HOSTILE.file);
  });

  it('drops properties that are not part of the problem format', () => {
    const extra = { ...SAMPLE[0], internal: 'x' } as (typeof SAMPLE)[number];
    expect(Object.keys(toJsonReport([extra]).problems[0] ?? {})).toEqual([
      'code',
      'severity',
      'message',
      'file',
      'line',
      'col',
      'path',
    ]);
  });
});
