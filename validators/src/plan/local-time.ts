// Run times are shown as the site's wall clock with its offset, so a reviewer sees DST shifts as they happen.

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timezone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timezone, f);
  }
  return f;
};

/** `2025-01-16T07:30:00Z` in America/Chicago → `2025-01-16T01:30:00-06:00`. */
export const toLocalIso = (instant: Date, timezone: string): string => {
  const parts = Object.fromEntries(
    formatterFor(timezone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  // longOffset reads `GMT-06:00`, or plain `GMT` at offset zero.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}([+-]\d{2}:\d{2})$/;

/** `2025-01-16T01:30:00-06:00` → `Thu 2025-01-16 01:30 (UTC-06:00)`; anything else is returned unchanged. */
export const describeLocalIso = (localIso: string): string => {
  const m = LOCAL_ISO.exec(localIso);
  if (!m) return localIso;
  const [, y, mo, d, h, mi, offset] = m;
  const weekday = WEEKDAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()];
  return `${weekday} ${y}-${mo}-${d} ${h}:${mi} (UTC${offset})`;
};
