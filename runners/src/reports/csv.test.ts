import { describe, expect, it } from 'vitest';
import { makeRecord } from '../ledger/testing/records.js';
import { CSV_COLUMNS, csvField, renderCsv } from './csv.js';
import { viewFromRecords } from './ledger-view.js';
import { buildReport } from './report.js';
import { testInventory } from './testing/inventory.js';

/** RFC 4180 reader, enough to prove what the writer wrote comes back cell for cell. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else if (i >= text.length) throw new Error('unterminated quote');
        else cell += text[i++];
      }
    } else if (text[i] === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (text[i] === '\n' || text[i] === '\r') throw new Error(`bare line break at ${i}`);
    else cell += text[i++];
  }
  if (cell !== '' || row.length > 0) throw new Error('last line without CRLF');
  return rows;
};

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
  ])('quotes %j as RFC 4180 says', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['a=1', 'a=1'],
  ])('defuses a cell a spreadsheet would run: %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('writes numbers, booleans and absent values plainly', () => {
    expect([
      csvField(-5),
      csvField(0.25),
      csvField(true),
      csvField(false),
      csvField(null),
      csvField(Number.NaN),
    ]).toEqual(['-5', '0.25', 'true', 'false', '', '']);
  });
});

describe('renderCsv', () => {
  const NOW = new Date('2025-01-15T12:00:00Z');
  const report = buildReport(
    testInventory(),
    viewFromRecords(
      [
        makeRecord({ startedAt: '2025-01-15T11:15:00Z' }),
        makeRecord({
          startedAt: '2025-01-15T11:30:00Z',
          job: 'check',
          outcome: 'failed',
          error: { code: '=cmd|calc', message: 'x' },
        }),
      ],
      NOW,
      30 * 86_400,
    ),
    { now: NOW },
  );

  it('writes a header and a CRLF line per row that read back to the report', () => {
    const rows = parseCsv(renderCsv(report));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + report.rows.length);
    const finance = rows.find((r) => r[2] === 'lisle-finance-share');
    const at = (column: (typeof CSV_COLUMNS)[number]) => finance?.[CSV_COLUMNS.indexOf(column)];
    expect(at('status')).toBe('amber');
    expect(at('reason')).toBe(
      'no drill recorded yet; last check on 2025-01-15 ended failed (=cmd|calc); success rate 50.0 % over 30d (1 of 2 runs)',
    );
    expect(at('age_seconds')).toBe('2700');
    expect(at('rpo_seconds')).toBe('14400');
    expect(at('last_run_error')).toBe("'=cmd|calc");
    expect(at('drill_cadence_seconds')).toBe('604800');
    expect(at('rto_met')).toBe('');
    expect(at('success_rate')).toBe('0.5');
    expect(at('runs_in_window')).toBe('2');
  });
});
