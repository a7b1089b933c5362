import { randomBytes } from 'node:crypto';

// Run ids sort by time as plain strings (file listings, `ls`), and two runners never collide.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20250114T101500123Z-9f86d081884c`: the UTC start to the millisecond, then 48 random bits. */
export const newRunId = (at: Date = new Date()): string =>
  `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T${pad(at.getUTCHours())}${pad(
    at.getUTCMinutes(),
  )}${pad(at.getUTCSeconds())}${pad(at.getUTCMilliseconds(), 3)}Z-${randomBytes(6).toString('hex')}`;
