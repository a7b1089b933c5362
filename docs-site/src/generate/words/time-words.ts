import { formatDuration, parseDuration } from '@lifeboat/core';
import { scheduler } from '@lifeboat/runners';

// Dates and durations as pages show them: fixed format, explicit zone, no locale surprises.

/** `Sun 2026-11-22 09:15 CST` in `timezone`. */
export const formatInZone = (date: Date, timezone: string): string => {
  const parts = scheduler.wallClockParts(date, timezone);
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
};

/** `2026-11-22 15:15 UTC`. */
export const formatUtc = (iso: string | Date): string => {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

/** A YAML duration (`4h`, `1d12h`) as `4h`/`1d 12h`, or "not set". */
export const durationWords = (text: string | undefined): string => {
  if (text === undefined) return 'not set';
  const seconds = parseDuration(text);
  return seconds === undefined ? text : formatDuration(seconds);
};
