import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '@lifeboat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, requireBuiltCli, runCli, STACK_FRAME } from './cli.js';
import { SITE_TEXT } from './generated.js';

// `lifeboat validate` and `lifeboat schemas` as a user and a CI job drive them: exit codes, usage errors, files.

// Several CLI processes at once took up to 12 s a test on a loaded 2-core machine: the runs' own 60 s bound
// (runCli) is the limit, not the 30 s default, so a slow run is not mistaken for a failed one.
const CONCURRENT_CLI = { timeout: 60_000 };

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const BASELINE = path.join(FIXTURES, 'valid-baseline');
const BROKEN = path.join(FIXTURES, 'ref-site');

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-cli-'));
  temps.push(dir);
  return dir;
};
beforeAll(requireBuiltCli);
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A usage error: exit 2 and exactly one line on stderr, no stack trace. */
const expectUsageError = (result: { code: number; stderr: string; stdout: string }, message: RegExp) => {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
};

describe.concurrent('lifeboat validate', CONCURRENT_CLI, () => {
  it('exits 0 with a summary for a clean inventory', async () => {
    const result = await runCli(['validate', '--root', BASELINE]);
    expect(result).toEqual({ code: 0, stdout: 'no problems in 3 files\n', stderr: '' });
  });

  it('exits 0 when there are only warnings, and shows them', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'sites'));
    writeFileSync(path.join(root, 'sites', 'lisle.yaml'), SITE_TEXT.split('\n').slice(1).join('\n'));
    const result = await runCli(['validate', '--root', root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sites/lisle.yaml:1:1 warning inventory.schema-header');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 warning in 1 file (1 file checked)');
  });

  it('exits 1 when there are errors, with paths relative to --root', async () => {
    const result = await runCli(['validate', '--root', BROKEN]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '\n  policies/lisle-share.yaml:7:9 error ref.site site "lisel" is not defined',
    );
    expect(result.stdout).not.toContain(FIXTURES);
  });

  it('defaults --root to the current directory', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'validate', '--format', 'json'], { cwd: BROKEN }, (error, stdout) =>
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout }),
      );
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems[0].file).toBe('policies/lisle-share.yaml');
  });

  it('refuses an unknown format', async () => {
    expectUsageError(
      await runCli(['validate', '--root', BASELINE, '--format', 'xml']),
      /^lifeboat validate: unknown --format "xml": expected one of human, github, json, sarif$/m,
    );
  });

  it('refuses a missing root, a root that is a file, and a root with no inventory folders', async () => {
    expectUsageError(
      await runCli(['validate', '--root', path.join(BASELINE, 'nope')]),
      /--root ".*nope" does not exist/,
    );
    expectUsageError(
      await runCli(['validate', '--root', path.join(BASELINE, 'expect.json')]),
      /--root ".*expect\.json" is not a directory/,
    );
    expectUsageError(
      await runCli(['validate', '--root', tempDir()]),
      /has none of sites\/, policies\/, images\//,
    );
  });

  it('quotes a hostile --root in its one-line error', async () => {
    const result = await runCli(['validate', '--root', '/nonexistent/\u001b[31m\nx']);
    expectUsageError(result, /does not exist/);
    expect(result.stderr).not.toContain('\u001b');
  });

  it('writes the report to --output and nothing to standard output', async () => {
    const out = path.join(tempDir(), 'report.sarif');
    const result = await runCli(['validate', '--root', BROKEN, '--format', 'sarif', '--output', out]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].results[0].ruleId).toBe('ref.site');
  });

  it('reports an --output it cannot write as a usage error', async () => {
    expectUsageError(
      await runCli(['validate', '--root', BROKEN, '--output', path.join(tempDir(), 'missing-dir', 'x.json')]),
      /cannot write --output ".*x\.json" \(ENOENT\)/,
    );
  });

  it('explains the formats and exit codes in --help', async () => {
    const { code, stdout } = await runCli(['validate', '--help']);
    expect(code).toBe(0);
    for (const word of [
      '--root',
      '--format',
      '--output',
      '--no-color',
      'human',
      'github',
      'json',
      'sarif',
      'SARIF 2.1.0',
    ]) {
      expect(stdout).toContain(word);
    }
    expect(stdout).toMatch(/0 {2}no errors/);
    expect(stdout).toMatch(/1 {2}at least one error/);
    expect(stdout).toMatch(/2 {2}usage error/);
  });

  it('uses no colour when standard output is not a terminal', async () => {
    const { stdout } = await runCli(['validate', '--root', BROKEN], { NO_COLOR: '' });
    expect(stdout).not.toContain('\u001b');
  });
});

// `script` gives the CLI a real terminal; it is part of util-linux on every Debian machine.
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));
const inTerminal = (args: string, env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) => {
    const command = `'${process.execPath}' '${CLI}' ${args}`;
    execFile(
      SCRIPT as string,
      ['-qec', command, '/dev/null'],
      { env: { ...process.env, ...env } },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve(stdout);
      },
    );
  });

describe.skipIf(SCRIPT === undefined).concurrent('colour on a terminal', CONCURRENT_CLI, () => {
  const root = `--root '${BROKEN}'`;
  it('is on for a terminal', async () => {
    expect(await inTerminal(`validate ${root}`, { NO_COLOR: undefined })).toContain('\u001b[31merror');
  });

  it('is off with NO_COLOR set', async () => {
    expect(await inTerminal(`validate ${root}`, { NO_COLOR: '1' })).not.toContain('\u001b[');
  });

  it('is off with --no-color', async () => {
    expect(await inTerminal(`validate ${root} --no-color`, { NO_COLOR: undefined })).not.toContain('\u001b[');
  });
});

describe.concurrent('lifeboat schemas', CONCURRENT_CLI, () => {
  const GENERATED = [...renderJsonSchemas().keys()].sort();

  it('reports every file missing in an empty root, then writes them, then finds no drift', async () => {
    const root = tempDir();
    const missing = await runCli(['schemas', '--check', '--root', root]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(
      `${GENERATED.map((n) => `missing: schemas/${n}`).join('\n')}\nrun "lifeboat schemas --write" and commit the result\n`,
    );
    const written = await runCli(['schemas', '--write', '--root', root]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe(`${GENERATED.map((n) => `wrote schemas/${n}`).join('\n')}\n`);
    expect(readdirSync(path.join(root, 'schemas')).sort()).toEqual(GENERATED);
    for (const [name, text] of renderJsonSchemas()) {
      expect(readFileSync(path.join(root, 'schemas', name), 'utf8')).toBe(text);
    }
    expect(await runCli(['schemas', '--root', root])).toEqual({
      code: 0,
      stdout: 'schemas/ matches the schemas in core\n',
      stderr: '',
    });
  });

  it('lists drifted and extra files, and --write repairs both', async () => {
    const root = tempDir();
    await runCli(['schemas', '--write', '--root', root]);
    writeFileSync(path.join(root, 'schemas', 'Site.schema.json'), '{}\n');
    writeFileSync(path.join(root, 'schemas', 'Old.schema.json'), '{}\n');
    writeFileSync(path.join(root, 'schemas', 'README.md'), 'not generated\n');
    const check = await runCli(['schemas', '--check', '--root', root]);
    expect(check.code).toBe(1);
    expect(check.stdout.split('\n').slice(0, 2)).toEqual([
      'drifted: schemas/Site.schema.json',
      'extra: schemas/Old.schema.json',
    ]);
    const fix = await runCli(['schemas', '--write', '--root', root]);
    expect(fix.stdout).toBe('wrote schemas/Site.schema.json\nremoved schemas/Old.schema.json\n');
    expect((await runCli(['schemas', '--check', '--root', root])).code).toBe(0);
    expect(existsSync(path.join(root, 'schemas', 'README.md'))).toBe(true);
  });

  it('finds the committed schemas/ up to date', async () => {
    const result = await runCli(['schemas', '--check', '--root', REPO_ROOT]);
    expect(result.stdout).toBe('schemas/ matches the schemas in core\n');
    expect(result.code).toBe(0);
  });

  it('refuses --write with --check, and a missing root', async () => {
    expectUsageError(
      await runCli(['schemas', '--write', '--check']),
      /use either --write or --check, not both/,
    );
    expectUsageError(
      await runCli(['schemas', '--root', path.join(tempDir(), 'nope')]),
      /--root ".*nope" does not exist/,
    );
  });
});
