import { describe, expect, it } from 'vitest';
import { renderPlanJson } from './render-json.js';
import {
  renderPlanMarkdown,
  type SnapshotPreviewPolicy,
  type SnapshotPreviewSnapshot,
  type SnapshotPreviewView,
} from './render-markdown.js';
import type { PlanResult } from './types.js';

// The `plan --snapshots` section: destructive policies first and loud, every restic string escaped, failures
// with their code, and the whole comment still under the size cap however many snapshots a change deletes.

const plan = (): PlanResult => ({
  base: { label: 'origin/main', commit: 'f'.repeat(40), files: 2, objects: 2, failedFiles: [] },
  head: { label: 'working tree', files: 2, objects: 2, failedFiles: [] },
  now: '2026-01-10T12:00:00.000Z',
  destructive: true,
  summary: 'DESTRUCTIVE: 1 retention rule tightened; 0 added, 0 removed, 1 changed.',
  added: [],
  removed: [],
  changed: [
    {
      kind: 'BackupPolicy',
      name: 'office',
      file: 'policies/office.yaml',
      changes: [{ path: 'spec.retention.keepDaily', change: 'changed', before: 7, after: 3 }],
    },
  ],
  unreadable: [],
  schedules: [],
  retention: [
    {
      kind: 'BackupPolicy',
      name: 'office',
      file: 'policies/office.yaml',
      key: 'keepDaily',
      before: 7,
      after: 3,
      direction: 'tightened',
      destructive: true,
      reason: 'keepDaily lowered from 7 to 3',
    },
  ],
  repositoryMoves: [],
});

const snap = (n: number, extra: Partial<SnapshotPreviewSnapshot> = {}): SnapshotPreviewSnapshot => ({
  id: n.toString(16).padStart(64, '0'),
  shortId: n.toString(16).padStart(8, '0'),
  time: `2026-01-${String((n % 28) + 1).padStart(2, '0')}T10:00:00.123456789+01:00`,
  host: 'nas-client',
  paths: ['/srv/office'],
  tags: ['lifeboat', 'policy:office'],
  reasons: ['daily snapshot'],
  ...extra,
});

const section = (policy: string, extra: Partial<SnapshotPreviewPolicy> = {}): SnapshotPreviewPolicy => ({
  policy,
  file: `policies/${policy}.yaml`,
  status: 'previewed',
  repository: 'rest:http://127.0.0.1:8000/shared/',
  scope: { tag: `policy:${policy}` },
  rulesBefore: { daily: 7 },
  rulesAfter: { daily: 3 },
  removed: [],
  newlyKept: [],
  removedAnyway: [],
  keptByBoth: 3,
  total: 3,
  ...extra,
});

const view = (...policies: SnapshotPreviewPolicy[]): SnapshotPreviewView => ({
  site: 'lisle',
  resticVersion: '0.14.0',
  policies,
});

describe('snapshot section in the Markdown plan', () => {
  it('comes right after the destructive warning, with a table of what the change deletes', () => {
    const md = renderPlanMarkdown(plan(), {
      snapshots: view(
        section('office', { removed: [snap(2), snap(1)], keptByBoth: 3, total: 6 }),
        section('pos'),
      ),
    });
    const caution = md.indexOf('> - BackupPolicy <code>office</code>');
    const heading = md.indexOf('### Snapshots at site <code>lisle</code> (restic 0.14.0)');
    expect(caution).toBeGreaterThan(0);
    expect(heading).toBeGreaterThan(caution);
    expect(heading).toBeLessThan(md.indexOf('### Changed (1)'));
    expect(md).toContain('> **2 snapshots of 1 policy would be deleted** by the first forget after merge.');
    expect(md).toContain('#### Policy <code>office</code>: **deletes 2 snapshots**');
    expect(md).toContain('#### Policy <code>pos</code>: no snapshot changes fate');
    expect(md).toContain('rules <code>daily 7</code> → <code>daily 3</code>.');
    expect(md).toContain(
      '| <code>00000002</code> | 2026-01-03 10:00:00+01:00 | <code>nas-client</code> | <code>/srv/office</code> | <code>lifeboat, policy:office</code> | daily snapshot |',
    );
  });

  it('says why a policy could not be previewed, with the code, and warns above the sections', () => {
    const md = renderPlanMarkdown(plan(), {
      snapshots: view(
        section('office', {
          status: 'failed',
          error: {
            code: 'restic.locked',
            message: 'repository is already locked by PID 42',
            outcome: 'locked',
          },
        }),
        section('empty', {
          status: 'refused',
          rulesAfter: {},
          error: { code: 'restic.forget-no-rule', message: 'no keep rule' },
        }),
      ),
    });
    expect(md).toContain('> 2 policies could not be previewed: see below.');
    expect(md).toContain('#### Policy <code>office</code>: **preview failed**');
    expect(md).toContain('<code>restic.locked</code>: repository is already locked by PID 42');
    expect(md).toContain('#### Policy <code>empty</code>: **preview refused**');
    expect(md).toContain('rules <code>daily 7</code> → none.');
    expect(md).not.toContain('would be deleted');
  });

  it('says when nothing was queried', () => {
    const md = renderPlanMarkdown(plan(), { snapshots: view() });
    expect(md).toContain('No policy of this site changes its retention or scope: no repository was queried.');
  });

  it('escapes what restic reports (hosts, paths, tags, reasons, messages)', () => {
    const hostile = snap(1, {
      host: '<img src=x onerror=alert(1)>',
      paths: ['/srv/a|b', '/srv/**bold**'],
      tags: ['@everyone', '[x](http://evil)'],
      reasons: ['<script>'],
    });
    const md = renderPlanMarkdown(plan(), {
      snapshots: view(
        section('office', {
          removed: [hostile],
          error: { code: 'restic.failed', message: 'line1\nline2 <b>' },
          note: '`tick`',
        }),
      ),
    });
    const row = md.split('\n').find((l) => l.startsWith('| <code>00000001</code>')) ?? '';
    expect((row.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length).toBe(7);
    expect(md).not.toMatch(/(?<!\\)<(img|script|b>)/);
    expect(md).toContain('\\[x\\](http://evil)');
    expect(md).toContain('line1\\\\u000aline2 \\<b\\>');
  });

  it('stays under the cap with thousands of deleted snapshots, destructive section first, and says it was cut', () => {
    const many = Array.from({ length: 5000 }, (_, i) => snap(i + 1));
    const md = renderPlanMarkdown(plan(), {
      maxBytes: 20_000,
      snapshots: view(
        section('big', { removed: many, total: 5003 }),
        section('late', { status: 'failed', error: { code: 'restic.unreachable', message: 'x' } }),
      ),
    });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(20_000);
    expect(md).toContain('> **5000 snapshots of 1 policy would be deleted**');
    expect(md).toContain('#### Policy <code>big</code>: **deletes 5000 snapshots**');
    expect(md).toMatch(/\*\*Plan truncated:\*\* about \d+ more lines did not fit/);
  });
});

describe('snapshot preview in the JSON plan', () => {
  it('is the `snapshots` key after the plan, whole (no cap)', () => {
    const snapshots = view(section('office', { removed: Array.from({ length: 3 }, (_, i) => snap(i + 1)) }));
    const doc = JSON.parse(renderPlanJson(plan(), { snapshots })) as Record<string, unknown>;
    expect(Object.keys(doc).at(-1)).toBe('snapshots');
    expect(doc.snapshots).toEqual(snapshots);
    expect('snapshots' in (JSON.parse(renderPlanJson(plan())) as object)).toBe(false);
  });
});
