import { describe, expect, it } from 'vitest';
import { exec, OUTPUT_EDGE, outputRetainer, STREAMED_OUTPUT_LIMIT } from './exec.js';

// Output retention with real processes printing more than the limits: every line is streamed, a bounded part
// is kept, and callers that parse the whole text still get all of it.

const LINES = 300_000; // "line 000001\n" × 300 000 = 3.6 MB, over the 2 MiB streamed limit
const printLines = (stream: 'stdout' | 'stderr', count = LINES) => [
  '-e',
  `const out = [];
   for (let i = 1; i <= ${count}; i++) out.push('line ' + String(i).padStart(6, '0') + '\\n');
   process.${stream}.write(out.join(''));`,
];
const lineName = (i: number) => `line ${String(i).padStart(6, '0')}`;

/** The kept text's lines, with the marker's count of dropped characters. */
const kept = (text: string) => {
  const lines = text.split('\n');
  const marker = lines.findIndex((l) => /^\[… \d+ characters dropped …\]$/.test(l));
  const dropped = marker < 0 ? 0 : Number(/\d+/.exec(lines[marker] ?? '')?.[0]);
  return { lines: lines.filter((_, i) => i !== marker && _ !== ''), dropped, marker };
};

describe('exec output limits', () => {
  it('streams every stdout line but keeps only the head and tail of a long output', async () => {
    const streamed: string[] = [];
    const r = await exec(process.execPath, printLines('stdout'), { onStdoutLine: (l) => streamed.push(l) });
    expect(r.exitCode).toBe(0);
    expect(streamed).toHaveLength(LINES);
    expect(streamed[0]).toBe(lineName(1));
    expect(streamed.at(-1)).toBe(lineName(LINES));

    expect(r.stdoutTruncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(2 * OUTPUT_EDGE + 100);
    const { lines, dropped, marker } = kept(r.stdout);
    expect(marker).toBeGreaterThan(0);
    // Whole lines only, the first and the last among them, and nothing lost unaccounted for.
    expect(lines.every((l) => /^line \d{6}$/.test(l))).toBe(true);
    expect(lines[0]).toBe(lineName(1));
    expect(lines.at(-1)).toBe(lineName(LINES));
    expect(lines.length * 12 + dropped).toBe(LINES * 12);
    expect(r.stderrTruncated).toBe(false);
  });

  it('keeps all of stdout when nobody streams it, so a JSON answer of several MiB still parses', async () => {
    const items = 120_000; // ~3.5 MB of JSON
    const r = await exec(process.execPath, [
      '-e',
      `process.stdout.write(JSON.stringify(Array.from({ length: ${items} }, (_, i) => ({ id: 'snapshot-' + i }))))`,
    ]);
    expect(r.stdout.length).toBeGreaterThan(STREAMED_OUTPUT_LIMIT);
    expect(r.stdoutTruncated).toBe(false);
    const parsed = JSON.parse(r.stdout) as { id: string }[];
    expect(parsed).toHaveLength(items);
    expect(parsed.at(-1)).toEqual({ id: `snapshot-${items - 1}` });
  });

  it('says so when a whole-text answer passes its ceiling', async () => {
    const r = await exec(
      process.execPath,
      ['-e', 'process.stdout.write(JSON.stringify({ a: "x".repeat(5000) }))'],
      {
        stdoutLimit: 1000,
      },
    );
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stdout.length).toBeLessThan(1100);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('bounds stderr too, keeping its last line (where tools say how it went)', async () => {
    const r = await exec(process.execPath, printLines('stderr'));
    expect(r.stderrTruncated).toBe(true);
    expect(r.stderr.length).toBeLessThanOrEqual(2 * OUTPUT_EDGE + 100);
    expect(kept(r.stderr).lines.at(-1)).toBe(lineName(LINES));
    expect(r.stdout).toBe('');
  });

  it('decodes UTF-8 characters split across chunks', async () => {
    const r = await exec(process.execPath, ['-e', 'process.stdout.write("é".repeat(200000))']);
    expect(r.stdout).toBe('é'.repeat(200_000));
  });
});

describe('outputRetainer', () => {
  it('keeps short output whole', () => {
    const keep = outputRetainer(20);
    keep.push('abc\n');
    keep.push('def\n');
    expect(keep.result()).toEqual({ text: 'abc\ndef\n', truncated: false });
  });

  it('cuts a long one at line breaks around a marker', () => {
    const keep = outputRetainer(16); // edge 8
    for (const line of ['aaa\n', 'bbb\n', 'ccc\n', 'ddd\n', 'eee\n', 'fff\n']) keep.push(line);
    expect(keep.result()).toEqual({
      text: 'aaa\nbbb\n[… 8 characters dropped …]\neee\nfff\n',
      truncated: true,
    });
  });

  it('drops the partial first line of the tail', () => {
    const keep = outputRetainer(16); // edge 8
    for (const line of ['aaa\n', 'bbb\n', 'ccc\n', 'ddd\n', 'eeeee\n', 'ff\n']) keep.push(line);
    expect(keep.result()).toEqual({ text: 'aaa\nbbb\n[… 14 characters dropped …]\nff\n', truncated: true });
  });

  it('keeps a shorter head when asked (a pipeline stage keeps 64 KiB of its stderr head)', () => {
    const keep = outputRetainer(16, 4); // head 4, tail 8
    for (const line of ['aaa\n', 'bbb\n', 'ccc\n', 'ddd\n', 'eee\n', 'fff\n']) keep.push(line);
    expect(keep.result()).toEqual({ text: 'aaa\n[… 12 characters dropped …]\neee\nfff\n', truncated: true });
  });

  it('refuses a limit that is no limit', () => {
    expect(() => outputRetainer(0)).toThrow(RangeError);
    expect(() => outputRetainer(Number.NaN)).toThrow(RangeError);
  });
});
