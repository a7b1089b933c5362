import { formatDuration, parseDuration } from '@lifeboat/core';

// Dates and durations as pages show them: fixed format, explicit zone, no locale surprises.

// Building a formatter costs ~0.3 ms; a few zones serve thousands of dates.
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timezone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timezone, f);
  }
  return f;
};

/** `Sun 2026-11-22 09:15 CST` in `timezone`. */
export const formatInZone = (date: Date, timezone: string): string => {
  const parts = Object.fromEntries(
    formatterFor(timezone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
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
