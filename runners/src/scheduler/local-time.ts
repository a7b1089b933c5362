// Reasons and waits are read by people at the site: instants are shown in the zone the schedule is written in.

// Building a formatter costs ~0.3 ms; a few zones serve thousands of dates (the docs site's pages too).
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The wall clock at `at` in `timeZone` as Intl parts (weekday, year, …, minute, timeZoneName: `CST`). */
export const wallClockParts = (at: Date, timeZone: string): Record<string, string> => {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return parts;
};

/** `Sun 2025-03-09 03:30 America/Chicago`: the wall-clock time at `at` in `timeZone`. */
export const formatLocal = (at: Date, timeZone: string): string => {
  const parts = wallClockParts(at, timeZone);
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
};
