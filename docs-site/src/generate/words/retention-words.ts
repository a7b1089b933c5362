import { formatDuration, parseDuration, type Retention } from '@lifeboat/core';
import { listWords } from './cron-words.js';

// restic forget rules in words: what a person needs to know before asking for a restore.

const PERIODS = [
  ['keepHourly', 'hourly'],
  ['keepDaily', 'daily'],
  ['keepWeekly', 'weekly'],
  ['keepMonthly', 'monthly'],
  ['keepYearly', 'yearly'],
] as const;

/** "Keeps the 3 most recent snapshots, the last 7 daily and 4 weekly snapshots." */
export const describeRetention = (retention: Retention): string => {
  const parts: string[] = [];
  if (retention.keepLast !== undefined)
    parts.push(
      retention.keepLast === 1
        ? 'the most recent snapshot'
        : `the ${retention.keepLast} most recent snapshots`,
    );
  const periods = PERIODS.filter(([key]) => retention[key] !== undefined).map(
    ([key, word]) => `${retention[key]} ${word}`,
  );
  if (periods.length > 0) parts.push(`the last ${listWords(periods)} snapshots`);
  if (retention.keepWithin !== undefined) {
    const seconds = parseDuration(retention.keepWithin);
    parts.push(
      `every snapshot from the last ${seconds === undefined ? retention.keepWithin : formatDuration(seconds)}`,
    );
  }
  if (parts.length === 0) return 'Keeps nothing by rule (validate refuses this policy).';
  return `Keeps ${listWords(parts)}; restic forgets the rest after each successful backup.`;
};
