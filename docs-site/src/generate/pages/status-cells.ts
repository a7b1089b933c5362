import type { ReportRow } from '@lifeboat/runners';
import { text } from '../markdown/escape.js';

// The red/amber/green cell pages share, as words plus a symbol (colour alone is not accessible).

const SYMBOL = { red: '🔴 red', amber: '🟠 amber', green: '🟢 green' } as const;

export const statusCell = (row: ReportRow | undefined): string =>
  row === undefined ? 'unknown' : `${SYMBOL[row.status]}: ${text(row.reasons[0] ?? '')}`;
