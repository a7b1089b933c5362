import { CronExpressionParser } from 'cron-parser';

// Cron fields without cron-parser's per-parse cost: inventories hold thousands of distinct crons
// (random minutes), and cron-parser spends ~250 µs on each; plain numeric fields parse here in
// microseconds, anything else (names, L, W, #, H, ?, macros, errors) still goes to cron-parser.

/** The parsed fields, shaped as cron-parser reports them (values sorted, day of week 0–7). */
export interface ParsedCron {
  minutes: readonly number[];
  hours: readonly number[];
  /** Days of the month; `L`/`W` forms stay strings. */
  daysOfMonth: readonly (number | string)[];
  months: readonly number[];
  /** Days of the week, 0 and 7 both Sunday; `5L` forms stay strings. */
  daysOfWeek: readonly (number | string)[];
  /** Written as `*` or `?`: with both day fields restricted, either one matching fires (classic cron). */
  dayOfMonthWildcard: boolean;
  dayOfWeekWildcard: boolean;
  /** `L`, `W` or `#` appear: run times then need real calendar iteration. */
  special: boolean;
}

export type ParsedCronResult = { ok: true; fields: ParsedCron } | { ok: false; reason: string };

const MAX_CACHED = 10_000;
const parsedCache = new Map<string, ParsedCronResult>();

const remember = <T>(cache: Map<string, T>, key: string, value: T): T => {
  // Bounded: a long-running process (the bot) must not grow it without limit.
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
};

const range = (from: number, to: number): readonly number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** `*` in each field, shared: most fields of most schedules are `*`. */
const EVERY = new Map<number, readonly number[]>([
  [59, range(0, 59)],
  [23, range(0, 23)],
  [31, range(1, 31)],
  [12, range(1, 12)],
]);

/** A number of one or two digits at `at`, as [value, next index], or undefined. */
const digitsAt = (raw: string, at: number): [number, number] | undefined => {
  const a = raw.charCodeAt(at) - 48;
  if (!(a >= 0 && a <= 9)) return undefined;
  const b = raw.charCodeAt(at + 1) - 48;
  if (!(b >= 0 && b <= 9)) return [a, at + 1];
  const c = raw.charCodeAt(at + 2) - 48;
  // Three digits or more: unusual enough for cron-parser to judge.
  return c >= 0 && c <= 9 ? undefined : [a * 10 + b, at + 2];
};

/**
 * Values of a plain numeric field — items `*`, `n`, `n-m`, each optionally `/step` — sorted, or
 * undefined when cron-parser must decide (anything unusual, and every error, so messages always
 * come from one place). A hand-written scan: this runs for every distinct cron of an inventory.
 */
const expand = (raw: string, min: number, max: number): readonly number[] | undefined => {
  if (raw === '*') return EVERY.get(max);
  const seen = new Uint8Array(max + 1);
  let count = 0;
  let at = 0;
  while (true) {
    let from: number;
    let to: number;
    let star = false;
    let ranged = false;
    if (raw.charCodeAt(at) === 42 /* * */) {
      star = true;
      from = min;
      to = max;
      at++;
    } else {
      const a = digitsAt(raw, at);
      if (!a) return undefined;
      [from, at] = a;
      to = from;
      if (raw.charCodeAt(at) === 45 /* - */) {
        const b = digitsAt(raw, at + 1);
        if (!b) return undefined;
        [to, at] = b;
        ranged = true;
      }
    }
    let step = 1;
    if (raw.charCodeAt(at) === 47 /* / */) {
      const s = digitsAt(raw, at + 1);
      if (!s) return undefined;
      [step, at] = s;
      // `n/step` means n through the maximum, as in cron-parser.
      if (!star && !ranged) to = max;
    }
    if (step < 1 || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) {
      // cron-parser refuses duplicates; let it say so.
      if (seen[v]) return undefined;
      seen[v] = 1;
      count++;
    }
    if (at === raw.length) break;
    if (raw.charCodeAt(at) !== 44 /* , */) return undefined;
    at++;
  }
  const values = new Array<number>(count);
  let k = 0;
  for (let v = min; v <= max; v++) if (seen[v]) values[k++] = v;
  return values;
};

/**
 * The fast path alone: fields of a plain numeric five-field expression, or undefined when only
 * cron-parser can decide. Exported so tests can check it against cron-parser directly.
 */
export const parsePlainCron = (expression: string): ParsedCron | undefined => {
  const parts = expression.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  // A restricted month changes which days of the month exist; 7 (Sunday again) has its own
  // expansion rules in cron-parser. Both are rare in schedules: leave them to it.
  if (month !== '*') return undefined;
  const minutes = expand(minute, 0, 59);
  const hours = expand(hour, 0, 23);
  const daysOfMonth = expand(dom, 1, 31);
  const months = expand(month, 1, 12);
  // Day of week spans 0–7 in cron-parser; whatever reaches 7 (`7`, `5-7`, `1/2`, `*/n`) it expands
  // its own way, so those go to it.
  const weekdays = dow === '*' ? [0, 1, 2, 3, 4, 5, 6, 7] : dow.includes('*') ? undefined : expand(dow, 0, 7);
  const daysOfWeek = dow !== '*' && weekdays?.includes(7) ? undefined : weekdays;
  if (!minutes || !hours || !daysOfMonth || !months || !daysOfWeek) return undefined;
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthWildcard: dom === '*',
    dayOfWeekWildcard: dow === '*',
    special: false,
  };
};

const viaCronParser = (expression: string): ParsedCronResult => {
  try {
    const { fields } = CronExpressionParser.parse(expression, { tz: 'UTC' });
    const daysOfMonth = [...fields.dayOfMonth.values];
    const daysOfWeek = [...fields.dayOfWeek.values];
    return {
      ok: true,
      fields: {
        minutes: fields.minute.values.map(Number),
        hours: fields.hour.values.map(Number),
        daysOfMonth,
        months: fields.month.values.map(Number),
        daysOfWeek,
        dayOfMonthWildcard: fields.dayOfMonth.isWildcard,
        dayOfWeekWildcard: fields.dayOfWeek.isWildcard,
        special:
          fields.dayOfWeek.nthDay > 0 ||
          daysOfMonth.some((d) => typeof d !== 'number') ||
          daysOfWeek.some((d) => typeof d !== 'number'),
      },
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
};

/**
 * Parse a cron expression (trimmed) into its fields, exactly as cron-parser would, or its
 * reason for refusing it. Cached per expression.
 */
export const parseCronFields = (expression: string): ParsedCronResult => {
  const key = expression.trim();
  const cached = parsedCache.get(key);
  if (cached) return cached;
  const quick = parsePlainCron(key);
  return remember(parsedCache, key, quick ? { ok: true, fields: quick } : viaCronParser(key));
};

export interface CronFields {
  /** Minutes past the hour, ascending. */
  minutes: readonly number[];
  /** Hours of the day, ascending. */
  hours: readonly number[];
  /**
   * Weekdays it can fire on (0 = Sunday … 6 = Saturday), ascending. When a day of the month is
   * given, that day can fall on any weekday, so all seven are listed.
   */
  weekdays: readonly number[];
}

const ALL_WEEKDAYS: readonly number[] = [0, 1, 2, 3, 4, 5, 6];
const weeklyCache = new Map<string, CronFields>();

/**
 * When in the week a valid expression fires (check it with `checkCron` first: this throws on an
 * invalid one). Cached per expression.
 */
export const cronFields = (expression: string): CronFields => {
  const key = expression.trim();
  const cached = weeklyCache.get(key);
  if (cached) return cached;
  const parsed = parseCronFields(key);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { fields } = parsed;
  // `5L` (last Friday) and `5#2` (second Friday) still name weekday 5; 7 is Sunday again.
  const dow = fields.daysOfWeek.map((v) => Number.parseInt(String(v), 10) % 7).filter((d) => d >= 0);
  return remember(weeklyCache, key, {
    minutes: fields.minutes,
    hours: fields.hours,
    weekdays:
      fields.dayOfWeekWildcard || !fields.dayOfMonthWildcard || dow.length === 0
        ? ALL_WEEKDAYS
        : [...new Set(dow)].sort((a, b) => a - b),
  });
};
