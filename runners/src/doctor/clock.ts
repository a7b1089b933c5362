import { formatDuration, quote, type Site } from '@lifeboat/core';
import { type Finding, finding } from './findings.js';

// The scheduler decides from this machine's clock, and restic judges locks stale by time: compare it with
// the Date header of the site's REST repository servers (a plain HEAD, no credentials sent). Without one
// that answers, report the local time and zone and say that nothing was compared.

export const SKEW_WARN_SECONDS = 30;
export const SKEW_FAIL_SECONDS = 300;

export type Fetch = (
  url: string,
  init: { method: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{
  headers: { get(name: string): string | null };
}>;

/** `https://host:port/` of each REST repository of the site, without credentials or path. */
export const restServers = (site: Site): string[] => {
  const out = new Set<string>();
  for (const nas of site.spec.nas) {
    if (!nas.repository.startsWith('rest:')) continue;
    try {
      const url = new URL(nas.repository.slice('rest:'.length));
      if (url.protocol === 'http:' || url.protocol === 'https:') out.add(`${url.protocol}//${url.host}/`);
    } catch {
      // lifeboat validate reports unusable URLs.
    }
  }
  return [...out].sort();
};

interface Measured {
  server: string;
  skewSeconds: number;
}

/** Local minus server time, from the middle of the request (the header has one-second resolution). */
const measure = async (
  server: string,
  fetchFn: Fetch,
  timeoutMs: number,
  clock: () => number,
): Promise<Measured | undefined> => {
  const sent = clock();
  try {
    const response = await fetchFn(server, {
      method: 'HEAD',
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const received = clock();
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(date)) return undefined;
    return { server, skewSeconds: ((sent + received) / 2 - date) / 1000 };
  } catch {
    return undefined;
  }
};

export interface ClockCheckOptions {
  site?: Site;
  timeoutMs: number;
  fetch?: Fetch;
  clock?: () => number;
}

export const checkClock = async (o: ClockCheckOptions): Promise<Finding> => {
  const clock = o.clock ?? Date.now;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const local = `local time ${new Date(clock()).toISOString()} (zone ${zone}${o.site ? `; site zone ${o.site.spec.timezone}` : ''})`;
  const servers = o.site ? restServers(o.site) : [];
  const fetchFn = o.fetch ?? (globalThis.fetch as unknown as Fetch);
  const measured = (await Promise.all(servers.map((s) => measure(s, fetchFn, o.timeoutMs, clock)))).filter(
    (m): m is Measured => m !== undefined,
  );
  if (measured.length === 0)
    return finding(
      'clock',
      'clock',
      'ok',
      `${local}; not compared: ${
        o.site === undefined
          ? 'no site given'
          : servers.length === 0
            ? 'the site has no REST repository server'
            : 'no REST repository server answered with a Date header'
      }`,
    );
  const worst = measured.reduce((a, b) => (Math.abs(b.skewSeconds) > Math.abs(a.skewSeconds) ? b : a));
  const skew = Math.abs(worst.skewSeconds);
  const status = skew >= SKEW_FAIL_SECONDS ? 'fail' : skew >= SKEW_WARN_SECONDS ? 'warn' : 'ok';
  const direction = worst.skewSeconds >= 0 ? 'ahead of' : 'behind';
  return finding(
    'clock',
    'clock',
    status,
    `${local}; ${skew < 1 ? 'within a second of' : `${formatDuration(Math.round(skew))} ${direction}`} ${quote(worst.server, 120)}`,
    {
      fix: 'enable time synchronisation on the runner (timedatectl set-ntp true, or chrony); schedules and restic lock ages depend on it',
      details: { skewSeconds: Math.round(worst.skewSeconds), server: worst.server },
    },
  );
};
