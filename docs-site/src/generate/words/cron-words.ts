import { checkCron, parseCronFields } from '@lifeboat/core';

// Five-field crons (and cron-parser's @macros) in plain English, for pages people read at 3 a.m.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (h: number, m: number) => `${pad(h)}:${pad(m)}`;

/** "a", "a and b", "a, b and c". */
export const listWords = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** The step of an evenly spaced ascending list, or undefined. */
const stepOf = (values: readonly number[]): number | undefined => {
  if (values.length < 3) return undefined;
  const step = (values[1] as number) - (values[0] as number);
  return values.every((v, i) => i === 0 || v - (values[i - 1] as number) === step) ? step : undefined;
};

/** Runs of consecutive values: [1,2,3,5] → [[1,3],[5,5]]. */
const runs = (values: readonly number[]): [number, number][] => {
  const out: [number, number][] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else out.push([v, v]);
  }
  return out;
};

const ordinal = (n: number): string => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
};

const timeWords = (minutes: readonly number[], hours: readonly number[]): string => {
  const everyHour = hours.length === 24;
  const minuteStep = stepOf(minutes);
  if (minutes.length === 60 && everyHour) return 'every minute';
  if (everyHour && minuteStep !== undefined && minutes[0] === 0 && 60 % minuteStep === 0)
    return `every ${minuteStep} minutes`;
  if (minutes.length === 1) {
    const m = minutes[0] as number;
    if (everyHour) return `every hour at ${pad(m)} minutes past`;
    const hourStep = stepOf(hours);
    if (hourStep !== undefined && hours.length > 3) {
      const first = hours[0] as number;
      const last = hours[hours.length - 1] as number;
      return `every ${hourStep === 1 ? 'hour' : `${hourStep} hours`} at ${pad(m)} minutes past, from ${clock(first, m)} to ${clock(last, m)}`;
    }
    if (hours.length > 6)
      return `at ${pad(m)} minutes past the hour from ${listWords(runs(hours).map(([a, b]) => (a === b ? clock(a, m) : `${clock(a, m)} to ${clock(b, m)}`)))}`;
  }
  if (minutes.length * hours.length <= 6)
    return `at ${listWords(hours.flatMap((h) => minutes.map((m) => clock(h, m))))}`;
  const minutePart =
    minuteStep !== undefined && minutes[0] === 0
      ? `every ${minuteStep} minutes`
      : `at minutes ${listWords(minutes.map(pad))}`;
  const hourPart = everyHour
    ? 'of every hour'
    : `during hours ${listWords(runs(hours).map(([a, b]) => (a === b ? pad(a) : `${pad(a)}–${pad(b)}`)))}`;
  return `${minutePart} ${hourPart}`;
};

const weekdayWords = (days: readonly number[]): string => {
  const set = [...new Set(days.map((d) => d % 7))].sort((a, b) => a - b);
  if (set.length === 7) return 'every day';
  if (set.join() === '1,2,3,4,5') return 'on weekdays (Monday to Friday)';
  if (set.join() === '0,6') return 'on weekends';
  return `on ${listWords(
    runs(set).flatMap(([a, b]) =>
      b - a >= 2 ? [`${DAYS[a]} to ${DAYS[b]}`] : DAYS.slice(a, b + 1).map((d) => `${d}s`),
    ),
  )}`;
};

const monthDayWords = (days: readonly (number | string)[]): string => {
  const numbers = days.filter((d): d is number => typeof d === 'number');
  const special = days.filter((d): d is string => typeof d === 'string');
  const words = [
    ...runs(numbers).flatMap(([a, b]) =>
      b - a >= 2 ? [`${ordinal(a)} to ${ordinal(b)}`] : numbers.filter((n) => n >= a && n <= b).map(ordinal),
    ),
    ...special.map((s) => (s === 'L' ? 'last day' : `"${s}"`)),
  ];
  return `on the ${listWords(words)} of the month`;
};

/**
 * A sentence fragment such as "every 2 hours at 15 minutes past, from 00:15 to 22:15, every day".
 * An invalid expression gives `cron "<expr>"` so a page never lies about a schedule validate refused.
 */
export const describeCron = (expression: string): string => {
  const trimmed = expression.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (!checkCron(expanded).ok) return `cron "${trimmed}" (not a valid schedule)`;
  const parsed = parseCronFields(expanded);
  if (!parsed.ok) return `cron "${trimmed}"`;
  const f = parsed.fields;
  const time = timeWords(f.minutes, f.hours);
  const weekdays = f.daysOfWeek.map((d) => Number.parseInt(String(d), 10)).filter((d) => d >= 0);
  let days: string;
  if (f.dayOfMonthWildcard && f.dayOfWeekWildcard) days = 'every day';
  else if (f.dayOfMonthWildcard) days = weekdayWords(weekdays);
  else if (f.dayOfWeekWildcard) days = monthDayWords(f.daysOfMonth);
  else days = `${monthDayWords(f.daysOfMonth)} and ${weekdayWords(weekdays)}`;
  const months =
    f.months.length === 12 ? '' : ` in ${listWords(f.months.map((m) => MONTHS[m - 1] ?? String(m)))}`;
  return `${time}, ${days}${months}`;
};
