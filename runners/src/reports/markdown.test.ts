import { describe, expect, it } from 'vitest';
import { makeRecord } from '../ledger/testing/records.js';
import { viewFromRecords } from './ledger-view.js';
import { mdCell, renderMarkdown, renderRunsMarkdown } from './markdown.js';
import { buildReport } from './report.js';
import { testInventory } from './testing/inventory.js';

const NOW = new Date('2025-01-15T12:00:00Z');

describe('mdCell', () => {
  it('keeps a cell one cell: pipes escaped, line breaks flattened, no HTML', () => {
    expect(mdCell('a|b\nc\r\nd <script> & \\')).toBe('a\\|b c d &lt;script&gt; &amp; \\\\');
  });
});

describe('renderMarkdown', () => {
  it('writes a summary line and a table row per policy and image', () => {
    const report = buildReport(
      testInventory(),
      viewFromRecords(
        [
          makeRecord({ startedAt: '2025-01-15T11:15:00Z' }),
          makeRecord({
            startedAt: '2025-01-12T07:00:00Z',
            job: 'drill',
            rto: { measuredSeconds: 1800, objectiveSeconds: 28_800, met: true },
          }),
        ],
        NOW,
        30 * 86_400,
      ),
      { now: NOW },
    );
    const text = renderMarkdown(report, { heading: 'lifeboat report' });
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '## lifeboat report',
      '',
      '2 red, 0 amber, 1 green — as of 2025-01-15T12:00:00.000Z; success rate over 30d.',
    ]);
    const table = lines.filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(2 + report.rows.length);
    expect(table.every((l) => l.split(/(?<!\\)\|/).length === 11)).toBe(true);
    expect(table).toContain(
      '| 🟢 green | lisle | policy | lisle-finance-share | 45m ago / RPO 4h | 3d 5h ago, ok | 30m / RTO 8h | 100.0 % (2/2) | all objectives met |',
    );
    expect(table).toContain(
      '| 🔴 red | portage | policy | portage-shared-drive | never | — | — | — | no successful backup recorded |',
    );
  });
});

describe('renderRunsMarkdown', () => {
  it('lists each run with its outcome and error', () => {
    const text = renderRunsMarkdown([
      makeRecord({ startedAt: '2025-01-15T11:15:00Z' }),
      makeRecord({
        startedAt: '2025-01-15T11:20:00Z',
        job: 'check',
        outcome: 'failed',
        durationSeconds: 5,
        error: { code: 'restic.check-failed', message: 'pack 1a2b | damaged' },
      }),
    ]);
    expect(text.split('\n')).toContain(
      '| ❌ failed | lisle | lisle-finance-share | check | 2025-01-15T11:20:00Z | 5s | restic.check-failed: pack 1a2b \\| damaged |',
    );
    expect(text.startsWith('1 of 2 run(s) ended ok.')).toBe(true);
    expect(renderRunsMarkdown([])).toBe('No runs.\n');
  });
});
