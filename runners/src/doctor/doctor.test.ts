import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Inventory } from '@lifeboat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf, policyYaml } from '../scheduler/testing/inventory.js';
import { init } from '../tools/restic/restic.js';
import { checkClock } from './clock.js';
import { runDoctor } from './doctor.js';
import type { Finding } from './findings.js';

// The doctor against real restic and rclone on temp directories: what passes, what fails, and that a
// credential is named but its value never appears.

const PASSWORD = 'doctor-test-password-8c1f';

let root: string;
let repos: string;
let remoteDir: string;

const siteYaml = (repository: string, offsitePath: string) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lab
spec:
  timezone: Europe/Berlin
  environment: lab
  runner:
    labels: [site-lab]
  nas:
    - name: nas
      repository: ${repository}
      credentials:
        passwordEnv: LAB_NAS_PASSWORD
  offsite:
    - name: cloud
      remote: cloud
      path: ${offsitePath}
      envFrom: [RCLONE_CONFIG_CLOUD_TYPE]
  access:
    approvers: []
    requesters: []
`;

let inventory: Inventory;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'lifeboat-doctor-'));
  repos = path.join(root, 'repos');
  remoteDir = path.join(root, 'cloud');
  await mkdir(remoteDir, { recursive: true });
  inventory = inventoryOf({
    sites: [siteYaml(repos, remoteDir)],
    policies: [
      policyYaml({ name: 'ready', site: 'lab', cron: '0 2 * * *', path: 'ready' }),
      policyYaml({ name: 'fresh', site: 'lab', cron: '0 2 * * *', path: 'fresh' }),
    ],
  });
  const created = await init({ repository: path.join(repos, 'ready'), env: { RESTIC_PASSWORD: PASSWORD } });
  if (created.outcome !== 'ok') throw new Error(`restic init failed: ${created.error.message}`);
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

const doctor = (env: Record<string, string>) =>
  runDoctor({
    inventory,
    site: 'lab',
    stateDir: path.join(root, 'state'),
    sandboxDir: path.join(root, 'sandbox'),
    env,
    timeoutMs: 20_000,
  });

const about = (findings: Finding[], area: Finding['area'], subject: string) =>
  findings.find((f) => f.area === area && f.subject === subject);

describe('runDoctor', () => {
  it('opens an initialised local repository, lists the local remote and passes', async () => {
    const report = await doctor({ LAB_NAS_PASSWORD: PASSWORD, RCLONE_CONFIG_CLOUD_TYPE: 'local' });
    const ready = about(report.findings, 'repository', 'nas/ready');
    expect(ready?.status).toBe('ok');
    expect(ready?.message).toMatch(/opens \(repository [0-9a-f]{8}, restic \d+\.\d+\.\d+\)$/);
    // Not there yet and never backed up: the first backup creates it.
    expect(about(report.findings, 'repository', 'nas/fresh')).toMatchObject({ status: 'warn' });
    expect(about(report.findings, 'remote', 'cloud')).toMatchObject({ status: 'ok' });
    expect(about(report.findings, 'tool', 'restic')?.status).toBe('ok');
    // No images at the site: partclone is not needed.
    expect(about(report.findings, 'tool', 'partclone')?.message).toBe('not needed: the site has no images');
    expect(report.ok).toBe(true);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  }, 60_000);

  it('fails naming the missing variables, and never shows a value it has', async () => {
    const report = await doctor({ RCLONE_CONFIG_CLOUD_TYPE: 'local-secret-looking-value' });
    const ready = about(report.findings, 'repository', 'nas/ready');
    expect(ready?.status).toBe('fail');
    expect(ready?.message).toContain('credentials not set on this runner: LAB_NAS_PASSWORD');
    expect(ready?.fix).toMatch(/^set LAB_NAS_PASSWORD in the runner's environment/);
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain('local-secret-looking-value');
  }, 60_000);

  it('reports a wrong password with its fix', async () => {
    const report = await doctor({ LAB_NAS_PASSWORD: 'not-the-password', RCLONE_CONFIG_CLOUD_TYPE: 'local' });
    const ready = about(report.findings, 'repository', 'nas/ready');
    expect(ready).toMatchObject({ status: 'fail', details: { code: 'restic.wrong-password' } });
    expect(ready?.fix).toMatch(/secret behind the password source/);
    expect(JSON.stringify(report)).not.toContain('not-the-password');
  }, 60_000);

  it('fails a tool the site needs when it is not installed', async () => {
    const report = await runDoctor({
      inventory,
      site: 'lab',
      stateDir: path.join(root, 'state'),
      sandboxDir: path.join(root, 'sandbox'),
      env: {},
      binaries: { restic: path.join(root, 'no-such-restic'), rclone: path.join(root, 'no-such-rclone') },
    });
    expect(about(report.findings, 'tool', 'restic')).toMatchObject({ status: 'fail' });
    expect(about(report.findings, 'tool', 'restic')?.message).toMatch(
      /^restic is not installed; needed: backup policies "ready", "fresh"/,
    );
    expect(about(report.findings, 'tool', 'rclone')?.message).toMatch(/needed: offsite copies/);
  });

  it('says which site it does not know', async () => {
    const report = await runDoctor({ inventory, site: 'nowhere', stateDir: root, sandboxDir: root, env: {} });
    expect(about(report.findings, 'site', 'nowhere')).toMatchObject({ status: 'fail' });
  });
});

describe('checkClock', () => {
  let server: Server;
  let skewMs = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('Date', new Date(Date.now() - skewMs).toUTCString());
      res.statusCode = 401;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const site = () =>
    inventoryOf({ sites: [siteYaml(`rest:http://127.0.0.1:${port}/`, '/tmp')] }).sites[0]?.value;

  it('compares with the REST server and fails a clock minutes ahead', async () => {
    skewMs = 10 * 60_000;
    const result = await checkClock({ site: site(), timeoutMs: 5_000 });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/; 10m ahead of "http:\/\/127\.0\.0\.1:\d+\/"$/);
    expect(result.fix).toMatch(/time synchronisation/);
  });

  it('passes a clock within a few seconds', async () => {
    skewMs = 0;
    const result = await checkClock({ site: site(), timeoutMs: 5_000 });
    // The header has one-second resolution: a correct clock reads as a second or so ahead.
    expect(result.status).toBe('ok');
    expect(Math.abs(Number(result.details?.skewSeconds))).toBeLessThanOrEqual(2);
  });

  it('reports the local time and zone when no server answers', async () => {
    const result = await checkClock({
      site: inventoryOf({ sites: [siteYaml('rest:http://127.0.0.1:1/', '/tmp')] }).sites[0]?.value,
      timeoutMs: 1_000,
    });
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.message).toMatch(
      /^local time .* \(zone .*; site zone Europe\/Berlin\); not compared: no REST repository server answered/,
    );
  });
});
