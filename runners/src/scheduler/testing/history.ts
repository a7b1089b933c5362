import type { JobSubject, ScheduledJob } from '../due.js';

// Last-success and last-attempt times as the ledger would answer them, keyed `policy:name:job`.

export type HistoryLookup = (subject: JobSubject, job: ScheduledJob) => Date | undefined;

export const history = (entries: Record<string, string> = {}): HistoryLookup => {
  const times = new Map(Object.entries(entries).map(([key, iso]) => [key, new Date(iso)]));
  return (subject, job) => times.get(`${subject.kind}:${subject.name}:${job}`);
};
