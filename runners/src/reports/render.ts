import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './report.js';

// One entry point per output format of `lifeboat report`.

export const REPORT_FORMATS = ['json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const isReportFormat = (name: string): name is ReportFormat =>
  (REPORT_FORMATS as readonly string[]).includes(name);

export const renderReport = (report: Report, format: ReportFormat): string =>
  format === 'json'
    ? `${JSON.stringify(report, null, 2)}\n`
    : format === 'csv'
      ? renderCsv(report)
      : renderMarkdown(report);
