import path from 'node:path';
import { firstLineOf } from '@lifeboat/core';
import type { Octokit } from '@octokit/rest';
import { fetchSiteRecords, type SiteFetch } from './github-records.js';

// What the bot reads run records from. With the GitHub dispatcher the runners write records far away, so the
// sites' published artifacts are mirrored under the bot's state directory, refreshed at most every few minutes
// and never waited on for long: a slow or absent GitHub costs one short line, not the answer.

export interface RecordRefresh {
  /** One short line when GitHub could not be asked for some site (the answer shows what is known). */
  note?: string;
}

export interface RecordSource {
  /** Ledger state directories to read, the bot's own first. */
  readonly stateDirs: readonly string[];
  /** Bring these sites' records up to date when due; resolves within the source's timeout. */
  refresh(sites: readonly string[]): Promise<RecordRefresh>;
}

export interface GitHubRecordSourceOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The bot's state directory; the mirror is `<stateDir>/mirror`. */
  stateDir: string;
  /** Between two looks at a site's artifacts (default 5 minutes). */
  refreshMs?: number;
  /** Longest a refresh is waited for (default 8 s); the fetch itself may finish later, in the background. */
  timeoutMs?: number;
  /** Longest a fetch may run at all (default 60 s). */
  fetchMaxMs?: number;
  /** Aborts fetches when the bot stops. */
  signal?: AbortSignal;
  /** Milliseconds since the epoch, for the throttle. */
  clock?: () => number;
  /** Problems with individual records go to the log. */
  log?: (line: string) => void;
  /** Each finished fetch (tests). */
  onFetched?: (results: SiteFetch[]) => void;
}

export const MIRROR_DIR = 'mirror';
export const DEFAULT_RECORDS_REFRESH_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 8_000;
const DEFAULT_FETCH_MAX_MS = 60_000;

/** The bot's own records only (local dispatcher: the jobs run here and write here). */
export const localRecordSource = (stateDir: string): RecordSource => ({
  stateDirs: [stateDir],
  refresh: async () => ({}),
});

interface SiteState {
  lastAttempt?: number;
  failure?: string;
  inflight?: Promise<void>;
}

export const githubRecordSource = (o: GitHubRecordSourceOptions): RecordSource => {
  const mirrorDir = path.join(o.stateDir, MIRROR_DIR);
  const refreshMs = o.refreshMs ?? DEFAULT_RECORDS_REFRESH_MS;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = o.clock ?? Date.now;
  const sites = new Map<string, SiteState>();
  const stateOf = (site: string): SiteState => {
    let s = sites.get(site);
    if (s === undefined) {
      s = {};
      sites.set(site, s);
    }
    return s;
  };

  const start = (due: string[]): void => {
    const at = clock();
    const signals = [
      AbortSignal.timeout(o.fetchMaxMs ?? DEFAULT_FETCH_MAX_MS),
      ...(o.signal ? [o.signal] : []),
    ];
    const work = fetchSiteRecords({
      octokit: o.octokit,
      owner: o.owner,
      repo: o.repo,
      sites: due,
      mirrorDir,
      signal: AbortSignal.any(signals),
    }).then(
      (results) => {
        for (const r of results) {
          const s = stateOf(r.site);
          const failed = r.status === 'failed' ? r.problems.find((p) => p.severity === 'error') : undefined;
          if (failed) s.failure = failed.message;
          else delete s.failure;
          for (const p of r.problems)
            if (p !== failed) o.log?.(`lifeboat: ${p.file}: ${p.message} (${p.code})`);
        }
        o.onFetched?.(results);
      },
      (err: unknown) => {
        // Only the mirror directory itself can fail here (each site's fetch reports its own failure).
        for (const site of due) stateOf(site).failure = firstLineOf(err);
      },
    );
    for (const site of due) {
      const s = stateOf(site);
      s.lastAttempt = at;
      const mine: Promise<void> = work.finally(() => {
        if (s.inflight === mine) delete s.inflight;
      });
      s.inflight = mine;
    }
  };

  return {
    stateDirs: [o.stateDir, mirrorDir],
    refresh: async (wanted) => {
      const now = clock();
      const due = wanted.filter((site) => {
        const s = stateOf(site);
        return s.inflight === undefined && (s.lastAttempt === undefined || now - s.lastAttempt >= refreshMs);
      });
      if (due.length > 0) start(due);
      const waiting = wanted.flatMap((site) => {
        const p = stateOf(site).inflight;
        return p ? [p] : [];
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.all(waiting).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (timedOut)
        return {
          note: `GitHub could not be asked for the sites' run records (no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}); showing what is known.`,
        };
      const failures = [...new Set(wanted.flatMap((site) => stateOf(site).failure ?? []))];
      if (failures.length === 0) return {};
      const reason = failures[0]?.replace(/^could not ask GitHub: /, '').slice(0, 120) ?? '';
      return {
        note: `GitHub could not be asked for the sites' run records (${reason}); showing what is known.`,
      };
    },
  };
};
