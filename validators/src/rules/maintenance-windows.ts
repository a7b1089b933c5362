import {
  cronFields,
  isValidTimezone,
  type LoadedDocument,
  type MaintenanceWindow,
  type Problem,
  problemIn,
  quote,
} from '@lifeboat/core';
import type { Rule } from './rule.js';
import { imageSchedules, isValidCron, policySchedules, type ScheduleAt } from './support/schedules.js';

// Prune, check and full restores load the NAS and the link for hours: sites say when that is acceptable.

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const WEEKDAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const WEEKDAY_NAME = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Minutes since midnight, or undefined when `HH:MM` is not a time of day. */
const minutesOf = (hhmm: string): number | undefined => {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) return undefined;
  const h = Number(match[1]);
  const m = Number(match[2]);
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
};

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The week as one bit per minute: set where some window is open. A window that crosses midnight
 * belongs to its start day and runs into the next morning (Sunday night runs into Monday).
 */
const weekMap = (
  windows: ReadonlyArray<{ days: readonly string[]; start: number; end: number }>,
): Uint8Array => {
  const open = new Uint8Array(MINUTES_PER_WEEK);
  for (const w of windows) {
    for (const day of w.days) {
      const base = (WEEKDAY_INDEX[day] ?? 0) * MINUTES_PER_DAY;
      const length = w.end > w.start ? w.end - w.start : MINUTES_PER_DAY - w.start + w.end;
      // One or two runs of minutes (Saturday night wraps into Sunday morning), filled natively.
      const from = base + w.start;
      open.fill(1, from, Math.min(from + length, MINUTES_PER_WEEK));
      if (from + length > MINUTES_PER_WEEK) open.fill(1, 0, from + length - MINUTES_PER_WEEK);
    }
  }
  return open;
};

/** UTC offset of a zone in minutes at an instant, from Intl (no tz database of our own). */
const offsetCache = new Map<string, number>();
const offsetMinutes = (timeZone: string, at: Date): number => {
  const key = `${timeZone}\u0000${at.getTime()}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const name =
      new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    offsetCache.set(key, offset);
  }
  return offset;
};

/** Winter and summer: a schedule in another zone may shift by a different amount with DST. */
const REFERENCE_INSTANTS = [new Date(Date.UTC(2025, 0, 15, 12)), new Date(Date.UTC(2025, 6, 15, 12))];

/** Minutes to add to a time in `from` to get the same instant in `to`, for each reference instant. */
const shiftsBetween = (from: string, to: string): number[] =>
  from === to
    ? [0]
    : [...new Set(REFERENCE_INSTANTS.map((at) => offsetMinutes(to, at) - offsetMinutes(from, at)))];

interface Outside {
  /** Minute of the week (site time) of the first run outside every window. */
  first: number;
  outside: number;
  total: number;
}

/** Run times of the cron (times of day × weekdays) that fall outside `open`, in site time. */
const runsOutside = (cron: string, open: Uint8Array, shifts: readonly number[]): Outside | undefined => {
  const { minutes, hours, weekdays } = cronFields(cron);
  let first = -1;
  let outside = 0;
  let total = 0;
  for (const day of weekdays) {
    for (const h of hours) {
      for (const m of minutes) {
        total++;
        for (const shift of shifts) {
          const at =
            (((day * MINUTES_PER_DAY + h * 60 + m + shift) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) %
            MINUTES_PER_WEEK;
          if (open[at]) continue;
          outside++;
          if (first < 0 || at < first) first = at;
          break;
        }
      }
    }
  }
  return outside > 0 ? { first, outside, total } : undefined;
};

interface SiteWindows {
  name: string;
  timezone: string;
  /**
   * Undefined when the site declares no usable window (heavy jobs are then unrestricted) or its own
   * time zone is unknown (cron-and-timezone reports that).
   */
  open: Uint8Array | undefined;
  /** Verdicts by zone, then cron: thousands of policies share a few schedules. */
  verdicts: Map<string, Map<string, Outside | undefined>>;
}

export const maintenanceWindows: Rule = {
  id: 'maintenance-windows',
  description:
    "Maintenance windows are valid, and prune, check and full drills start inside one of their site's windows.",
  codes: {
    'window.invalid': {
      title: 'Invalid maintenance window',
      cause:
        'A window has a start or end that is not a time of day (00:00–23:59), starts and ends at the same time, or has the same name as another window of the site.',
      fix: 'Use HH:MM from 00:00 to 23:59 (end earlier than start crosses midnight), and give each window its own name.',
    },
    'window.heavy-job-outside': {
      title: 'Heavy job outside the maintenance windows',
      cause:
        "A prune, check or full drill (or an image drill) is scheduled to start at a time, in the site's local time, that is outside every maintenance window of the site; it would load the NAS and the link while people work. A window that crosses midnight belongs to its start day.",
      fix: 'Move the schedule into a window (e.g. "30 2 * * 0" for a Sunday-night window), or widen the site\'s window if the site agrees.',
    },
  },
  check({ inventory, index }) {
    const problems: Problem[] = [];
    const sites = new Map<string, SiteWindows>();

    for (const { value, document } of inventory.sites) {
      const windows = value.spec.maintenanceWindows ?? [];
      const valid = validWindows(document, windows, problems);
      if (index.sites.get(value.metadata.name)?.document !== document) continue; // a duplicate: unique-names says so
      sites.set(value.metadata.name, {
        name: value.metadata.name,
        timezone: value.spec.timezone,
        open: valid.length > 0 && isValidTimezone(value.spec.timezone) ? weekMap(valid) : undefined,
        verdicts: new Map(),
      });
    }

    const checkHeavy = (document: LoadedDocument, site: SiteWindows, s: ScheduleAt) => {
      if (!site.open) return;
      const zone = s.timezone ?? site.timezone;
      let byCron = site.verdicts.get(zone);
      if (byCron === undefined) {
        byCron = new Map();
        site.verdicts.set(zone, byCron);
      }
      let verdict = byCron.get(s.cron);
      if (verdict === undefined && !byCron.has(s.cron)) {
        // cron-and-timezone reports an invalid cron or zone: no verdict here.
        verdict =
          isValidCron(s.cron) && isValidTimezone(zone)
            ? runsOutside(s.cron, site.open, shiftsBetween(zone, site.timezone))
            : undefined;
        byCron.set(s.cron, verdict);
      }
      if (verdict) {
        const when = `${WEEKDAY_NAME[Math.floor(verdict.first / MINUTES_PER_DAY)]} ${hhmm(verdict.first % MINUTES_PER_DAY)}`;
        const more =
          verdict.outside > 1
            ? ` and ${verdict.outside - 1} more of its ${verdict.total} weekly run times`
            : '';
        problems.push(
          problemIn(
            document,
            [...s.path, 'cron'],
            'window.heavy-job-outside',
            `${s.job} runs at ${when}${more} (site time), outside every maintenance window of site ${quote(site.name)}`,
            { severity: 'warning' },
          ),
        );
      }
    };

    for (const { value, document } of inventory.policies) {
      const site = sites.get(value.spec.site);
      if (!site?.open) continue;
      for (const s of policySchedules(value.spec)) {
        if (
          s.job === 'prune' ||
          s.job === 'check' ||
          (s.job === 'drill' && value.spec.drill?.kind === 'full')
        )
          checkHeavy(document, site, s);
      }
    }
    // An image drill restores the whole image: always a full, heavy job.
    for (const { value, document } of inventory.images) {
      const site = sites.get(value.spec.site);
      if (!site?.open) continue;
      for (const s of imageSchedules(value.spec)) checkHeavy(document, site, s);
    }
    return problems;
  },
};

/** Report invalid windows; return the usable ones with times in minutes. */
const validWindows = (
  document: LoadedDocument,
  windows: readonly MaintenanceWindow[],
  problems: Problem[],
) => {
  const valid: Array<{ days: readonly string[]; start: number; end: number }> = [];
  const names = new Map<string, number>();
  windows.forEach((w, i) => {
    const path = ['spec', 'maintenanceWindows', i];
    const report = (key: string, message: string) =>
      problems.push(problemIn(document, [...path, key], 'window.invalid', message));
    const earlier = names.get(w.name);
    if (earlier === undefined) names.set(w.name, i);
    else report('name', `window name ${quote(w.name)} is also used by maintenanceWindows[${earlier}]`);
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start === undefined) report('start', `start ${quote(w.start)} is not a time of day (00:00 to 23:59)`);
    if (end === undefined)
      report('end', `end ${quote(w.end)} is not a time of day (00:00 to 23:59; midnight is 00:00)`);
    if (start === undefined || end === undefined) return;
    if (start === end) {
      report(
        'end',
        `window starts and ends at ${quote(w.end)}: say which hours it covers (end earlier than start crosses midnight)`,
      );
      return;
    }
    valid.push({ days: w.days, start, end });
  });
  return valid;
};
