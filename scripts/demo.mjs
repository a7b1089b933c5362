#!/usr/bin/env node
// `npm run demo`: the main job on the embedded default. It validates the example inventory and shows the plan
// of a sample change (in a throwaway git copy, so nothing here is modified), then `lifeboat demo` stands up a
// site on loopback and runs every job for real: backups, checks, drills, image capture/restore/drill, offsite
// sync, report. Everything it writes lives in temporary directories that it removes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'cli/dist/main.js');
const say = (text) => process.stdout.write(`\n\u001b[1m${text}\u001b[0m\n`);

const run = (cmd, args, options = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  return r.status ?? 1;
};

if (run(process.execPath, [path.join(root, 'scripts/setup.mjs')], { cwd: root }) !== 0) process.exit(1);
const { parseDocument } = await import('yaml');

say('1. lifeboat validate — the example inventory (sites/, policies/, images/)');
const validated = run(process.execPath, [cli, 'validate', '--root', root]);
if (validated !== 0) {
  process.stderr.write('demo: the example inventory does not validate; see above\n');
  process.exit(validated);
}

const work = mkdtempSync(path.join(tmpdir(), 'lifeboat-demo-'));
try {
  for (const dir of ['sites', 'policies', 'images', 'schemas'])
    cpSync(path.join(root, dir), path.join(work, dir), { recursive: true });
  const git = (...args) =>
    spawnSync('git', args, {
      cwd: work,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'demo',
        GIT_AUTHOR_EMAIL: 'demo@lifeboat.invalid',
        GIT_COMMITTER_NAME: 'demo',
        GIT_COMMITTER_EMAIL: 'demo@lifeboat.invalid',
      },
    }).status;
  if (git('init', '-q') !== 0 || git('add', '-A') !== 0 || git('commit', '-qm', 'base') !== 0)
    throw new Error('git failed in the demo copy');

  // A sample pull request: one policy runs less often and keeps fewer dailies (destructive), one new policy.
  const policies = readdirSync(path.join(work, 'policies'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  // A policy the change keeps valid: a daily schedule within its RPO, and keepDaily room above the class minimum.
  const target = policies.find((f) => {
    const spec = parseDocument(readFileSync(path.join(work, 'policies', f), 'utf8')).toJS()?.spec;
    const rpo = spec?.objectives?.rpo;
    return Number(spec?.retention?.keepDaily) >= 17 && (rpo === undefined || ['24h', '1d'].includes(rpo));
  });
  if (!target) throw new Error('no policy with keepDaily to change');
  const file = path.join(work, 'policies', target);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const keepDaily = Number(doc.getIn(['spec', 'retention', 'keepDaily']));
  doc.setIn(['spec', 'retention', 'keepDaily'], Math.max(1, keepDaily - 3));
  doc.setIn(['spec', 'schedule', 'cron'], '30 23 * * *');
  writeFileSync(file, doc.toString());
  const copy = parseDocument(readFileSync(file, 'utf8'));
  const name = `${copy.getIn(['metadata', 'name'])}-archive`;
  copy.setIn(['metadata', 'name'], name);
  copy.setIn(['spec', 'tags'], ['archive']);
  copy.setIn(['spec', 'retention', 'keepDaily'], keepDaily);
  writeFileSync(path.join(work, 'policies', `${name}.yaml`), copy.toString());

  say(`2. lifeboat validate — a sample pull request: ${target} changed, ${name} added`);
  run(process.execPath, [cli, 'validate', '--root', work]);

  say('3. lifeboat plan --base HEAD — what the pull request will do (the sticky PR comment)');
  const planned = run(process.execPath, [
    cli,
    'plan',
    '--base',
    'HEAD',
    '--root',
    work,
    '--format',
    'markdown',
  ]);
  if (planned !== 0) process.exit(planned);
} finally {
  rmSync(work, { recursive: true, force: true });
}

say(
  '4. lifeboat demo — a site on 127.0.0.1: backups → check → drill → image capture/restore/drill → offsite sync → report',
);
// Ctrl-C reaches lifeboat demo too (same process group): wait for it to stop its servers and clean up.
process.on('SIGINT', () => undefined);
const started = performance.now();
const demoed = run(process.execPath, [cli, 'demo']);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (demoed !== 0) {
  process.stderr.write(`demo: lifeboat demo failed (exit ${demoed}) after ${seconds} s; see above\n`);
  process.exit(demoed);
}
say(
  `Done in ${seconds} s. Next: 'npm run docs -- --serve' builds and serves the runbook site; 'lifeboat bot' takes restores from Slack (see README).`,
);
