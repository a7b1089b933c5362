import { CronExpressionParser } from 'cron-parser';
import { type ParsedCron, parseCronFields } from './cron-fields.js';

// Cron questions the rules, the plan and the scheduler all ask, answered in one place.

export type CronCheck = { ok: true } | { ok: false; reason: string };

/** Five fields (minute hour dom month dow) or a cron-parser macro such as `@daily`; seconds fields are refused. */
export const checkCron = (expression: string): CronCheck => {
  const trimmed = expression.trim();
  if (!trimmed.startsWith('@') && trimmed.split(/\s+/).length !== 5) {
    return {
      ok: false,
      reason: `expected 5 fields (minute hour day-of-month month day-of-week), got ${trimmed.split(/\s+/).length}`,
    };
  }
  // cron-parser picks a random value for H on every parse: the plan, the docs and the runner would disagree.
  if (/(^|[\s,/-])H(?=$|[\s,/(-])/i.test(trimmed)) {
    return {
      ok: false,
      reason: 'H (hashed value) is not supported: schedules must be predictable; write the minute or hour',
    };
  }
  // parseCronFields answers plain numeric crons without cron-parser's ~250 µs parse, and caches.
  const parsed = parseCronFields(trimmed);
  return parsed.ok ? { ok: true } : { ok: false, reason: parsed.reason };
};

const zoneCache = new Map<string, boolean>();
/**
 * An IANA zone name (`Area/Location`, or UTC). ICU also accepts legacy abbreviations such as EST or CET and
 * maps them to fixed-offset zones (EST → America/Panama, no daylight saving): refused, they are not what
 * anyone writing "EST" in Chicago means.
 */
export const isValidTimezone = (tz: string): boolean => {
  let ok = zoneCache.get(tz);
  if (ok === undefined) {
    ok = tz === 'UTC' || tz === 'Etc/UTC' || /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(tz);
    if (ok) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        ok = false;
      }
    }
    zoneCache.set(tz, ok);
  }
  return ok;
};

/** The next `count` run times after `from`, in the given IANA zone. */
export const nextRuns = (expression: string, timezone: string, from: Date, count = 3): Date[] => {
  const it = CronExpressionParser.parse(expression.trim(), { tz: timezone, currentDate: from });
  const out: Date[] = [];
  for (let i = 0; i < count; i++) out.push(it.next().toDate());
  return out;
};

const intervalCache = new Map<string, number>();

/**
 * The longest gap between two consecutive runs, in seconds, over a year of calendar days.
 * Computed from the parsed fields (times of day × firing days) rather than by iterating, which
 * is ~100 µs per step in cron-parser; a DST shift (±1 h) is ignored.
 */
export const maxIntervalSeconds = (expression: string): number => {
  const key = expression.trim();
  const cached = intervalCache.get(key);
  if (cached !== undefined) return cached;
  const parsed = parseCronFields(key);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { fields } = parsed;
  const minutes = [...fields.minutes].sort((a, b) => a - b);
  const hours = [...fields.hours].sort((a, b) => a - b);
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m));
  const result = fields.special ? iterateMaxInterval(key) : fromFields();
  intervalCache.set(key, result);
  return result;

  function fromFields(): number {
    let withinDay = 0;
    for (let i = 1; i < times.length; i++)
      withinDay = Math.max(withinDay, (times[i] as number) - (times[i - 1] as number));
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    // The day fields as written (or the macro) key the calendar walk: `* * *` is shared by thousands.
    const parts = key.split(/\s+/);
    const dayGap = maxDayGap(parts.length === 5 ? parts.slice(2).join(' ') : key, fields);
    const acrossDays = dayGap > 0 ? dayGap * 1440 - last + first : 0;
    return Math.max(withinDay, acrossDays) * 60;
  }
};

const dayGapCache = new Map<string, number>();

/**
 * The most calendar days between two consecutive firing days (0 when it fires on one day only).
 * It depends on the day fields alone (`key`: day of month, month, day of week as written), which
 * thousands of crons share, so only the first cron of each day pattern walks the calendar.
 */
const maxDayGap = (key: string, fields: ParsedCron): number => {
  const cached = dayGapCache.get(key);
  if (cached !== undefined) return cached;
  const domSet = new Set(fields.daysOfMonth as readonly number[]);
  const dowSet = new Set((fields.daysOfWeek as readonly number[]).map((d) => d % 7));
  const monthSet = new Set(fields.months);
  const domStar = fields.dayOfMonthWildcard;
  const dowStar = fields.dayOfWeekWildcard;
  // Classic cron: when both day fields are restricted, a day matches if either does.
  const fires = (d: Date) => {
    if (!monthSet.has(d.getUTCMonth() + 1)) return false;
    const byDom = domSet.has(d.getUTCDate());
    const byDow = dowSet.has(d.getUTCDay());
    if (domStar && dowStar) return true;
    if (domStar) return byDow;
    if (dowStar) return byDom;
    return byDom || byDow;
  };
  // Start in a leap year; 8 years + a day sees every calendar pattern twice, 29 February included.
  const start = Date.UTC(2028, 0, 1);
  let prevDay = -1;
  let gap = 0;
  for (let day = 0; day < 366 * 8 + 1; day++) {
    if (!fires(new Date(start + day * 86_400_000))) continue;
    if (prevDay >= 0) gap = Math.max(gap, day - prevDay);
    prevDay = day;
  }
  dayGapCache.set(key, gap);
  return gap;
};

/** Fallback for L/W/# expressions: iterate runs, bounded in count and to two years of span. */
const iterateMaxInterval = (expression: string): number => {
  const it = CronExpressionParser.parse(expression, {
    tz: 'UTC',
    currentDate: new Date(Date.UTC(2028, 0, 1)),
  });
  const first = it.next().getTime();
  let prev = first;
  let max = 0;
  for (let i = 0; i < 800 && prev - first < 2 * 366 * 86_400_000; i++) {
    const next = it.next().getTime();
    max = Math.max(max, next - prev);
    prev = next;
  }
  return Math.round(max / 1000);
};
