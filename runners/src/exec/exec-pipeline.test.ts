import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execPipeline } from './exec.js';

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

const hasher = () => {
  const h = createHash('sha256');
  return { tap: (c: Uint8Array) => h.update(c), hex: () => h.digest('hex') };
};

describe('execPipeline', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-pipe-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('joins stages stdout → stdin, taps each stage in the same pass and writes the output file', async () => {
    const raw = hasher();
    const out = hasher();
    const target = join(dir, 'out.txt');
    const r = await execPipeline(
      [
        { file: 'printf', args: ['hello %s\\n', 'world', 'pipes'], onStdoutChunk: raw.tap },
        { file: 'tr', args: ['a-z', 'A-Z'], onStdoutChunk: out.tap },
      ],
      { outputFile: target },
    );
    expect(r.ok).toBe(true);
    expect(r.stages.map((s) => s.exitCode)).toEqual([0, 0]);
    const written = await readFile(target, 'utf8');
    expect(written).toBe('HELLO WORLD\nHELLO PIPES\n');
    expect(raw.hex()).toBe(sha('hello world\nhello pipes\n'));
    expect(out.hex()).toBe(sha(written));
    expect(r.bytesOut).toBe(written.length);
  });

  it('writes many batches byte-exact while flushing the output along the way', async () => {
    // 24 MiB of varied bytes in many small chunks: several writev batches and background fdatasyncs.
    const input = join(dir, 'many.bin');
    const data = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    await writeFile(input, data);
    const out = hasher();
    const target = join(dir, 'many.out');
    const r = await execPipeline([{ file: 'cat', args: [], onStdoutChunk: out.tap }], {
      inputFile: input,
      outputFile: target,
      outputSyncEveryBytes: 1024 * 1024,
    });
    expect(r.ok).toBe(true);
    expect(r.bytesOut).toBe(data.length);
    expect(sha(await readFile(target))).toBe(sha(data));
    expect(out.hex()).toBe(sha(data));
  });

  it('streams an input file into the first stage and taps it', async () => {
    const input = join(dir, 'in.bin');
    const data = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
    await writeFile(input, data);
    const seen = hasher();
    const out = hasher();
    const r = await execPipeline([{ file: 'cat', args: [], onStdoutChunk: out.tap }], {
      inputFile: input,
      onInputChunk: seen.tap,
    });
    expect(r.ok).toBe(true);
    expect(r.bytesIn).toBe(data.byteLength);
    expect(r.bytesOut).toBe(data.byteLength);
    expect(seen.hex()).toBe(sha(data));
    expect(out.hex()).toBe(sha(data));
  });

  it('fails the pipeline when a middle stage fails, even though the last stage exits 0', async () => {
    const r = await execPipeline([
      { file: 'printf', args: ['data'] },
      { file: 'sh', args: ['-c', 'cat >/dev/null; echo broken >&2; exit 3'] },
      { file: 'cat', args: [] },
    ]);
    expect(r.ok).toBe(false);
    expect(r.failedStage).toBe(1);
    expect(r.stages[1]?.exitCode).toBe(3);
    expect(r.stages[1]?.stderr).toBe('broken\n');
  });

  it('fails when a downstream stage stops reading early: the writer loses its pipe', async () => {
    const r = await execPipeline([
      { file: 'sh', args: ['-c', 'while :; do echo y; done'] },
      { file: 'head', args: ['-c', '10'] },
    ]);
    expect(r.stages[1]?.exitCode).toBe(0);
    expect(r.ok).toBe(false);
    expect(r.failedStage).toBe(0);
  });

  it('reports each stage stderr line by line', async () => {
    const lines: string[] = [];
    const r = await execPipeline([
      { file: 'sh', args: ['-c', 'printf "a\\rb\\nc" >&2'], onStderrLine: (l) => lines.push(l) },
      { file: 'cat', args: [] },
    ]);
    expect(r.ok).toBe(true);
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('keeps the head and the tail of a very long stderr, not all of it', async () => {
    const r = await execPipeline([
      {
        file: 'sh',
        args: [
          '-c',
          'echo first-line >&2; i=0; while [ $i -lt 60000 ]; do echo "progress line $i ................................................................" >&2; i=$((i+1)); done; echo last-line >&2',
        ],
      },
    ]);
    expect(r.ok).toBe(true);
    const stderr = r.stages[0]?.stderr ?? '';
    expect(stderr.startsWith('first-line\n')).toBe(true);
    expect(stderr.endsWith('last-line\n')).toBe(true);
    expect(stderr).toMatch(/\n\[… \d+ characters dropped …\]\n/);
    expect(stderr.length).toBeLessThan(1.2 * 1024 * 1024);
  });

  it('reports ENOSPC on the output file and kills the producer', async () => {
    const r = await execPipeline([{ file: 'cat', args: ['/dev/zero'] }], { outputFile: '/dev/full' });
    expect(r.ok).toBe(false);
    expect(r.ioError).toMatch(/ENOSPC/);
  });

  it('refuses to start when the output cannot be opened', async () => {
    const r = await execPipeline([{ file: 'printf', args: ['x'] }], {
      outputFile: join(dir, 'missing-dir', 'out'),
    });
    expect(r.ok).toBe(false);
    expect(r.stages).toEqual([]);
    expect(r.ioError).toMatch(/ENOENT/);
  });

  it('keeps an existing file when asked for r+ and refuses an existing file with wx', async () => {
    const target = join(dir, 'existing');
    await writeFile(target, 'abcdef');
    const r = await execPipeline([{ file: 'printf', args: ['XY'] }], {
      outputFile: target,
      outputFlags: 'r+',
    });
    expect(r.ok).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('XYcdef');
    const refused = await execPipeline([{ file: 'printf', args: ['XY'] }], {
      outputFile: target,
      outputFlags: 'wx',
    });
    expect(refused.ioError).toMatch(/EEXIST/);
  });

  it('cancellation kills every stage promptly', async () => {
    const controller = new AbortController();
    // Abort once the first stage runs (a fixed timer could fire before a slow machine started it).
    const r = await execPipeline(
      [
        {
          file: 'sh',
          args: ['-c', 'echo started >&2; exec sleep 30'],
          onStderrLine: (line) => {
            if (line === 'started') controller.abort();
          },
        },
        { file: 'cat', args: [] },
      ],
      { signal: controller.signal },
    );
    expect(r.cancelled).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.durationMs).toBeLessThan(5_000);
    expect(r.stages[0]?.signal).toBe('SIGTERM');
  });

  it('times out and kills every stage', async () => {
    const r = await execPipeline(
      [
        { file: 'cat', args: ['/dev/zero'] },
        { file: 'sleep', args: ['30'] },
      ],
      { timeoutMs: 150 },
    );
    expect(r.timedOut).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.durationMs).toBeLessThan(5_000);
  });

  it('a stage that cannot start fails the pipeline', async () => {
    const r = await execPipeline([
      { file: 'printf', args: ['x'] },
      { file: 'definitely-not-a-lifeboat-tool', args: [] },
    ]);
    expect(r.ok).toBe(false);
    expect(r.stages[1]?.spawnFailed).toBe(true);
  });
});
