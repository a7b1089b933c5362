import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';

// Where records live in a state directory, in one place: the writer, the reader and the index agree on it.

export type RunJobKind = RunRecord['job'];
export type RunOutcome = RunRecord['outcome'];

export const RUNS_DIR = 'runs';
export const INDEX_FILE = 'latest.json';
/** Records are small; anything bigger in the ledger is not one of ours and is not read. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export const SITE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const YEAR_NAME = /^[0-9]{4}$/;
export const MONTH_NAME = /^(0[1-9]|1[0-2])$/;

/** What a record is about: its policy, else its image, else the site itself. */
export interface RunSubject {
  policy?: string;
  image?: string;
}

export const siteDir = (stateDir: string, site: string): string => path.join(stateDir, RUNS_DIR, site);

/** `2025/01` (UTC) for a record's start: the folder it is filed under. */
export const monthOf = (startedAt: string): string => {
  const d = new Date(startedAt);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

export const recordPath = (stateDir: string, record: Pick<RunRecord, 'site' | 'id' | 'startedAt'>): string =>
  path.join(siteDir(stateDir, record.site), ...monthOf(record.startedAt).split('/'), `${record.id}.json`);

/** Index key of a subject: `policy/<name>`, `image/<name>` or `site`. */
export const subjectKey = (subject: RunSubject): string =>
  subject.policy !== undefined
    ? `policy/${subject.policy}`
    : subject.image !== undefined
      ? `image/${subject.image}`
      : 'site';

/** Every key a record is indexed under: a record naming both a policy and an image answers for both. */
export const recordKeys = (record: RunRecord): string[] => {
  const subjects: string[] = [];
  if (record.policy !== undefined) subjects.push(subjectKey({ policy: record.policy }));
  if (record.image !== undefined) subjects.push(subjectKey({ image: record.image }));
  if (subjects.length === 0) subjects.push('site');
  return subjects.map((s) => `${s}/${record.job}`);
};

export const jobKey = (subject: RunSubject, job: RunJobKind): string => `${subjectKey(subject)}/${job}`;

/** Later start wins; the id breaks ties so every reader orders the same way. */
export const compareRecords = (a: RunRecord, b: RunRecord): number =>
  Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
