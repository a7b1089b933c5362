import { type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkRunRecord, type Problem, quote, type RunRecord, readRegularFile } from '@lifeboat/core';
import { isTempName } from './atomic-write.js';
import { MAX_RECORD_BYTES, MONTH_NAME, monthOf, RUNS_DIR, SITE_NAME, siteDir, YEAR_NAME } from './layout.js';

// Walking the ledger: what is a record, what is not, and a report line (never an exception) for the latter.

// Records are read with core's readRegularFile: synchronous on purpose (one open/fstat/read/close per small
// file on the main thread is several times faster than queuing thousands of promises through libuv's pool, and
// holds one descriptor at a time); O_NONBLOCK, so a FIFO planted in the ledger makes open return at once.

export const ledgerProblem = (stateDir: string, file: string, code: string, message: string): Problem => ({
  code,
  severity: 'warning',
  message,
  file: path.relative(stateDir, file).split(path.sep).join('/'),
  line: 1,
  col: 1,
  path: '',
});

/** A missing directory is an empty one; an unreadable one is reported. */
const entries = (stateDir: string, dir: string, problems: Problem[]): Dirent[] => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      problems.push(
        ledgerProblem(stateDir, dir, 'ledger.unreadable', `cannot list directory (${code ?? 'error'})`),
      );
    }
    return [];
  }
};

/** Site folders under `runs/`. */
export const listSites = (stateDir: string, problems: Problem[]): string[] => {
  const dir = path.join(stateDir, RUNS_DIR);
  const out: string[] = [];
  for (const e of entries(stateDir, dir, problems)) {
    if (e.isDirectory() && SITE_NAME.test(e.name)) out.push(e.name);
    else if (!e.name.startsWith('.'))
      problems.push(
        ledgerProblem(stateDir, path.join(dir, e.name), 'ledger.foreign', 'not a site folder; ignored'),
      );
  }
  return out.sort();
};

/** `yyyy/mm` folders of one site, oldest first. */
export const listMonths = (stateDir: string, site: string, problems: Problem[]): string[] => {
  const root = siteDir(stateDir, site);
  const months: string[] = [];
  for (const y of entries(stateDir, root, problems)) {
    if (!y.isDirectory() || !YEAR_NAME.test(y.name)) continue;
    for (const m of entries(stateDir, path.join(root, y.name), problems)) {
      if (m.isDirectory() && MONTH_NAME.test(m.name)) months.push(`${y.name}/${m.name}`);
    }
  }
  return months.sort();
};

/** Names in a month folder that are meant to be records (the index counts these). */
const recordNames = (list: Dirent[]): Dirent[] =>
  list.filter((e) => e.name.endsWith('.json') && !e.name.startsWith('.'));

/** How many record files a month folder holds, without reading them. */
export const countMonth = (stateDir: string, site: string, month: string, problems: Problem[]): number =>
  recordNames(entries(stateDir, path.join(siteDir(stateDir, site), ...month.split('/')), problems)).length;

export interface MonthScan {
  /** Record-named files seen, valid or not. */
  files: number;
  records: RunRecord[];
  problems: Problem[];
}

/** Read and check every record of one month folder of one site. */
export const scanMonth = (stateDir: string, site: string, month: string): MonthScan => {
  const problems: Problem[] = [];
  const dir = path.join(siteDir(stateDir, site), ...month.split('/'));
  const list = entries(stateDir, dir, problems);
  for (const e of list) {
    if (!e.name.endsWith('.json') && !isTempName(e.name)) {
      problems.push(
        ledgerProblem(stateDir, path.join(dir, e.name), 'ledger.foreign', 'not a run record; ignored'),
      );
    }
  }
  const names = recordNames(list);
  const records: RunRecord[] = [];
  for (const e of names) {
    const file = path.join(dir, e.name);
    const report = (code: string, message: string) =>
      problems.push(ledgerProblem(stateDir, file, code, message));
    if (!e.isFile()) {
      report('ledger.foreign', 'not a regular file; ignored');
      continue;
    }
    let content: ReturnType<typeof readRegularFile>;
    try {
      content = readRegularFile(file, MAX_RECORD_BYTES);
    } catch (err) {
      report('ledger.unreadable', `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    if (content === undefined) continue;
    if (!Buffer.isBuffer(content)) {
      report(
        'ledger.too-large',
        `file is ${content.size} bytes, over the ${MAX_RECORD_BYTES}-byte limit for a record`,
      );
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(content.toString('utf8'));
    } catch {
      report('ledger.corrupt', 'not valid JSON (a torn or foreign file); ignored');
      continue;
    }
    const checked = checkRunRecord(value);
    if (!checked.ok) {
      const more = checked.errors.length > 1 ? ` (and ${checked.errors.length - 1} more)` : '';
      report('ledger.invalid', `not a valid RunRecord: ${checked.errors[0]}${more}; ignored`);
      continue;
    }
    const record = checked.record;
    const expected = `${record.id}.json`;
    if (record.site !== site || monthOf(record.startedAt) !== month || e.name !== expected) {
      report(
        'ledger.misplaced',
        `record ${quote(record.id)} of site ${quote(record.site)} started ${record.startedAt} belongs at ` +
          `${RUNS_DIR}/${record.site}/${monthOf(record.startedAt)}/${expected}; ignored`,
      );
      continue;
    }
    records.push(record);
  }
  return { files: names.length, records, problems };
};
