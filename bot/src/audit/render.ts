import type { AuditEvent, AuditFormat } from './types.js';

// Audit exports end up in spreadsheets: cells a spreadsheet would run as a formula are defused.

export const AUDIT_COLUMNS = ['at', 'type', 'requestId', 'actor', 'site', 'subject', 'detail'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180), with a leading `'` on anything a spreadsheet would treat as a formula. */
export const csvCell = (value: string): string => {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) || safe !== value ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const renderAudit = (
  events: readonly AuditEvent[],
  format: AuditFormat,
  options: { jsonLines?: boolean } = {},
): string => {
  if (format === 'json') {
    if (options.jsonLines) return events.map((e) => `${JSON.stringify(e)}\n`).join('');
    return `${JSON.stringify(events, null, 2)}\n`;
  }
  const rows = [AUDIT_COLUMNS.join(',')];
  for (const e of events) rows.push(AUDIT_COLUMNS.map((c) => csvCell(e[c])).join(','));
  return `${rows.join('\r\n')}\r\n`;
};
