import { type MaintenanceWindow, nextRuns } from '@lifeboat/core';

// Heavy jobs (prune, checks that read data, full and image drills) load the NAS and the uplink for hours:
// they start only inside one of the site's maintenance windows, which are local wall-clock times.

const CRON_DAY: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** A window's length is under a day; 25 h back (a DST day) finds the start of any window still open. */
const OPEN_LOOK_BACK_MS = 25 * 3_600_000;

export interface WindowInstance {
  /** The window's name in the site. */
  window: string;
  start: Date;
  end: Date;
}

export type WindowVerdict =
  /** The site declares no usable window: heavy jobs may run at any time. */
  | { state: 'unrestricted' }
  /** `now` lies in [start, end) of this window (the one open longest, when several are). */
  | ({ state: 'open' } & WindowInstance)
  /** Every window is closed; `next` is the earliest one to open after `now`. */
  | { state: 'closed'; next: WindowInstance };

/** `HH:MM` as [hour, minute], or undefined when it is no time of day (validate reports it as window.invalid). */
const timeOfDay = (hhmm: string): [number, number] | undefined => {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) return undefined;
  const h = Number(match[1]);
  const m = Number(match[2]);
  return h <= 23 && m <= 59 ? [h, m] : undefined;
};

interface WindowCrons {
  name: string;
  /** Fires at the window's start on each of its days. */
  start: string;
  /** Fires at the end time every day: a window ends at the first end time after its start. */
  end: string;
}

/**
 * Windows as crons, so opening times go through the same DST handling as schedules: a start that does
 * not exist on the spring-forward day opens when cron-parser runs that time (an hour later); a window
 * crossing midnight belongs to its start day and ends at the next end time (Sunday night into Monday).
 * Windows validation refuses (start = end, a time past 23:59) are skipped, as the rules do.
 */
const windowCrons = (windows: readonly MaintenanceWindow[]): WindowCrons[] =>
  windows.flatMap((w) => {
    const start = timeOfDay(w.start);
    const end = timeOfDay(w.end);
    if (!start || !end || (start[0] === end[0] && start[1] === end[1])) return [];
    const days = [...new Set(w.days.map((d) => CRON_DAY[d]))].filter((d) => d !== undefined).sort();
    if (days.length === 0) return [];
    return [
      {
        name: w.name,
        start: `${start[1]} ${start[0]} * * ${days.join(',')}`,
        end: `${end[1]} ${end[0]} * * *`,
      },
    ];
  });

const instanceAt = (w: WindowCrons, start: Date, timezone: string): WindowInstance => ({
  window: w.name,
  start,
  end: nextRuns(w.end, timezone, start, 1)[0] as Date,
});

/** Whether heavy jobs may start at `now` at the site, and if not, when the next window opens. */
export const windowAt = (
  site: { timezone: string; maintenanceWindows?: readonly MaintenanceWindow[] | undefined },
  now: Date,
): WindowVerdict => {
  const crons = windowCrons(site.maintenanceWindows ?? []);
  if (crons.length === 0) return { state: 'unrestricted' };
  let open: WindowInstance | undefined;
  let next: WindowInstance | undefined;
  for (const w of crons) {
    // Starts in (now - 25 h, now] may still be open; the first start after now is the next opening.
    let cursor = new Date(now.getTime() - OPEN_LOOK_BACK_MS);
    for (;;) {
      const [start] = nextRuns(w.start, site.timezone, cursor, 1) as [Date];
      const instance = instanceAt(w, start, site.timezone);
      if (start.getTime() > now.getTime()) {
        if (!next || start.getTime() < next.start.getTime()) next = instance;
        break;
      }
      if (now.getTime() < instance.end.getTime() && (!open || instance.end.getTime() > open.end.getTime()))
        open = instance;
      cursor = start;
    }
  }
  if (open) return { state: 'open', ...open };
  return { state: 'closed', next: next as WindowInstance };
};
