import { describe, expect, it } from 'vitest';
import { diffInventories } from './diff.js';
import { escapeHtml, escapeMarkdown, GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from './render-markdown.js';
import { edit, image, inventory, policy, site } from './testing/plan-inventory.js';
import type { ChangedObject, PlanResult } from './types.js';

const now = new Date('2025-01-15T12:00:00Z');

const emptyPlan = (): PlanResult => ({
  base: {
    label: 'origin/main',
    commit: '0123456789abcdef0123456789abcdef01234567',
    files: 0,
    objects: 0,
    failedFiles: [],
  },
  head: { label: 'working tree', files: 0, objects: 0, failedFiles: [] },
  now: now.toISOString(),
  destructive: false,
  summary: 'No changes.',
  added: [],
  removed: [],
  changed: [],
  unreadable: [],
  schedules: [],
  retention: [],
  repositoryMoves: [],
});

/** Pipes that split table cells: those not escaped by a backslash. */
const cellPipes = (line: string) => (line.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length;

/** What is left after the tags the renderer itself writes: any `<` still unescaped would be user HTML. */
const strayTags = (markdown: string) =>
  markdown
    .replace(/<\/?(code|details|summary)>|<br>/g, '')
    .replace(/\\\\/g, '')
    .match(/(?<!\\)<[A-Za-z/!?]/g) ?? [];

const realisticPlan = () =>
  diffInventories(
    inventory(site(), policy('share'), policy('gone'), image('kvm')),
    inventory(
      site(),
      edit(policy('share'), (p) => {
        p.spec.retention.keepDaily = 7;
        p.spec.retention.keepWeekly = 8;
        p.spec.schedule.cron = '15 22 * * *';
        p.spec.repository.target = 'nas2';
      }),
      policy('fresh'),
      edit(image('kvm'), (i) => {
        i.spec.retention.keepVersions = 3;
      }),
    ),
    { now, base: { label: 'origin/main', commit: 'f'.repeat(40) }, head: { label: 'working tree' } },
  );

describe('escaping', () => {
  it('backslash-escapes every inline Markdown character and shows invisible ones', () => {
    expect(escapeMarkdown('<img src=x>|*a*_b_`c`[l](u)&amp;~s~$x$\\')).toBe(
      '\\<img src=x\\>\\|\\*a\\*\\_b\\_\\`c\\`\\[l\\](u)\\&amp;\\~s\\~\\$x\\$\\\\',
    );
    expect(escapeMarkdown('a\nb\u202ec')).toBe('a\\\\u000ab\\\\u202ec');
  });

  it('entity-escapes HTML for raw HTML blocks', () => {
    expect(escapeHtml(`<b onclick="x">&'`)).toBe('&#60;b onclick=&#34;x&#34;&#62;&#38;&#39;');
  });

  it('keeps hostile user strings from adding HTML, breaking tables or pinging people', () => {
    const hostile = '<script>alert(1)</script> | @everyone **x** `y` [z](https://evil.example)\nnext';
    const plan = emptyPlan();
    plan.summary = '1 changed.';
    plan.added = [{ kind: 'BackupPolicy', name: hostile, file: 'policies/a|b.yaml' }];
    plan.changed = [
      {
        kind: 'Site',
        name: hostile,
        file: 'sites/<x>.yaml',
        changes: [{ path: 'metadata.description', change: 'changed', before: hostile, after: 'ok' }],
      },
    ];
    plan.schedules = [
      {
        kind: 'BackupPolicy',
        name: 'p',
        file: 'policies/p.yaml',
        job: 'backup',
        change: 'changed',
        causes: ['timezone'],
        before: { cron: '0 1 * * *', timezone: 'UTC', timezoneFrom: 'schedule', nextRuns: [] },
        after: {
          cron: '0 1 * * *',
          timezone: hostile,
          timezoneFrom: 'schedule',
          nextRuns: [],
          error: 'unknown timezone |x|',
        },
      },
    ];
    const md = renderPlanMarkdown(plan);
    expect(md).not.toMatch(/(?<!\\)<script/);
    expect(strayTags(md)).toEqual([]);
    expect(md).toContain('@everyone'); // shown, but only inside <code>, where GitHub links no mention
    for (const m of md.matchAll(/@everyone/g)) {
      const before = md.slice(0, m.index);
      expect(before.lastIndexOf('<code>')).toBeGreaterThan(before.lastIndexOf('</code>'));
    }
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    const columns = new Map([
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 0],
    ]);
    for (const row of rows) {
      const pipes = cellPipes(row);
      expect(columns.has(pipes - 1), row).toBe(true);
    }
    // Each table keeps the width of its header.
    const tables = md.split('\n\n').filter((b) => b.startsWith('|'));
    for (const table of tables) {
      const widths = new Set(table.split('\n').map(cellPipes));
      expect(widths.size, table).toBe(1);
    }
    expect(md).toContain('&#60;script&#62;'); // in the <summary> HTML block
  });
});

describe('renderPlanMarkdown', () => {
  it('puts a loud warning listing every destructive change before anything else', () => {
    const md = renderPlanMarkdown(realisticPlan());
    const caution = md.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(md.indexOf('### '));
    const block = md.slice(caution, md.indexOf('\n\n', caution));
    expect(block).toContain('**Destructive: 2 retention rules tightened.**');
    expect(block).toContain(
      'BackupPolicy <code>share</code> in <code>policies/share.yaml</code>: keepDaily lowered from 14 to 7',
    );
    expect(block).toContain(
      'Image <code>kvm</code> in <code>images/kvm.yaml</code>: keepVersions lowered from 5 to 3',
    );
    expect(block).not.toContain('keepWeekly');
  });

  it('has no warning block when nothing is destructive', () => {
    const plan = diffInventories(
      inventory(site(), policy('share')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.retention.keepDaily = 30;
        }),
      ),
      { now },
    );
    const md = renderPlanMarkdown(plan);
    expect(md).not.toContain('[!CAUTION]');
    expect(md).toContain(
      '| BackupPolicy <code>share</code> | keepDaily | <code>14</code> | <code>30</code> | loosened: keeps more |',
    );
  });

  it('renders every section: added, removed, changed with details, schedules, retention, moves', () => {
    const md = renderPlanMarkdown(realisticPlan());
    const headings = [...md.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Added (1)',
      'Removed (1)',
      'Changed (2)',
      'Schedules (9)',
      'Retention (3)',
      'Repository moves (1)',
      'Field-by-field details',
    ]);
    expect(md).toContain('**DESTRUCTIVE: 2 retention rules tightened; 1 added, 1 removed, 2 changed;');
    expect(md).toContain(
      'Base <code>origin/main</code> at <code>ffffffffffff</code> compared with <code>working tree</code>',
    );
    expect(md).toContain(
      '| BackupPolicy <code>share</code> | backup | cron changed | <code>30 1 \\* \\* \\*</code> in <code>America/Chicago</code> | ' +
        '<code>15 22 \\* \\* \\*</code> in <code>America/Chicago</code> | ' +
        'Wed 2025-01-15 22:15 (UTC-06:00)<br>Thu 2025-01-16 22:15 (UTC-06:00)<br>Fri 2025-01-17 22:15 (UTC-06:00) |',
    );
    expect(md).toMatch(/\| BackupPolicy <code>gone<\/code> \| backup \| removed \| .* \| — \| stops \|/);
    expect(md).toContain(
      '| BackupPolicy <code>share</code> | keepDaily | <code>14</code> | <code>7</code> | **tightened: deletes data** |',
    );
    expect(md).toContain(
      '| <code>share</code> | policy repository changed | <code>rest:https://nas1.lisle.example:8000/share</code> | ' +
        '<code>sftp:backup@nas2.lisle.example:/srv/restic/share</code> |',
    );
    expect(md).toContain('The new repository starts empty');
    expect(md).toContain(
      'existing snapshots are not deleted; they stay in <code>rest:https://nas1.lisle.example:8000/gone</code>',
    );
    expect(md).toContain(
      '<details><summary>BackupPolicy <code>share</code> in <code>policies/share.yaml</code>: 4 fields</summary>',
    );
    expect(md).toContain(
      '| <code>spec.retention.keepDaily</code> | changed | <code>14</code> | <code>7</code> |',
    );
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
  });

  it('is deterministic', () => {
    expect(renderPlanMarkdown(realisticPlan())).toBe(renderPlanMarkdown(realisticPlan()));
  });

  it('says so when there are no changes, and still reports files that failed to load', () => {
    expect(renderPlanMarkdown(emptyPlan())).toContain(
      'No changes: both sides declare the same sites, policies and images.',
    );
    const plan = emptyPlan();
    plan.head.failedFiles = ['policies/broken.yaml'];
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('> [!WARNING]\n> 1 file failed to load in <code>working tree</code>');
    expect(md).toContain('> - <code>policies/broken.yaml</code>');
  });

  it('stays under the GitHub comment limit, closes what it opened and says it truncated', () => {
    const plan = emptyPlan();
    plan.summary = 'many changes';
    plan.retention = [
      {
        kind: 'BackupPolicy',
        name: 'first',
        file: 'policies/first.yaml',
        key: 'keepDaily',
        before: 14,
        after: 7,
        direction: 'tightened',
        destructive: true,
        reason: 'keepDaily lowered from 14 to 7',
      },
    ];
    plan.changed = Array.from(
      { length: 3000 },
      (_, i): ChangedObject => ({
        kind: 'BackupPolicy',
        name: `policy-${String(i).padStart(4, '0')}`,
        file: `policies/policy-${i}.yaml`,
        changes: Array.from({ length: 5 }, (__, j) => ({
          path: `spec.sources.paths[${j}]`,
          change: 'changed' as const,
          before: `/srv/${'x'.repeat(300)}`,
          after: `/srv/${'y'.repeat(300)}`,
        })),
      }),
    );
    const md = renderPlanMarkdown(plan);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(60_000);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('keepDaily lowered from 14 to 7');
    expect(md).toMatch(/\*\*Plan truncated:\*\* about \d+ more lines did not fit in one comment/);
    expect(md.endsWith('for the whole plan.\n')).toBe(true);

    for (const maxBytes of [1500, 3000, 7000]) {
      const small = renderPlanMarkdown(plan, { maxBytes });
      expect(Buffer.byteLength(small)).toBeLessThanOrEqual(maxBytes);
      expect(small.match(/<details>/g)?.length ?? 0).toBe(small.match(/<\/details>/g)?.length ?? 0);
      expect(small).toContain('Plan truncated');
    }
  });
});
