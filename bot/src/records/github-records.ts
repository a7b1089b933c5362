import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkRunRecord, firstLineOf, type Problem, quote } from '@lifeboat/core';
import { LedgerError, workflows, writeFileAtomic, writeRunRecord } from '@lifeboat/runners';
import type { Octokit } from '@octokit/rest';
import { readZip, ZIP_MAX_BYTES } from './zip.js';

// Each site's runner keeps its records in its own state directory and publishes the recent ones as the
// artifact `lifeboat-records-<site>`; this fetches the newest one and mirrors its records into a ledger, so
// every reader of run records (status, snapshot picker, runbook site) works on them unchanged.

/** The name the site workflow publishes under: one definition, in the workflow generator. */
export const recordsArtifactName: (site: string) => string = workflows.recordsArtifactName;

export interface FetchRecordsOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  sites: readonly string[];
  /** A ledger state directory (`runs/<site>/…`); the artifact cache lives beside it in `artifacts/`. */
  mirrorDir: string;
  now?: () => Date;
  signal?: AbortSignal;
  /** Most bytes downloaded for one artifact (default 32 MiB). */
  maxDownloadBytes?: number;
}

export type SiteFetchStatus = 'fetched' | 'unchanged' | 'none' | 'failed';

export interface SiteFetch {
  site: string;
  /** fetched: a new artifact mirrored; unchanged: same artifact as last time (not downloaded); none: no artifact. */
  status: SiteFetchStatus;
  artifact?: { id: number; createdAt: string; ageSeconds: number };
  /** Good records of the artifact, now in the mirror. */
  kept: number;
  /** Of those, how many were new to the mirror. */
  added: number;
  problems: Problem[];
}

const CACHE_DIR = 'artifacts';
/** Pages of the artifact list walked looking for one that has not expired (newest come first). */
const MAX_LIST_PAGES = 3;
const PER_PAGE = 100;

interface CacheEntry {
  version: 1;
  artifactId: number;
  createdAt: string;
  kept: number;
}

const problem = (
  code: string,
  severity: Problem['severity'],
  site: string,
  message: string,
  at = '',
): Problem => ({
  code,
  severity,
  message,
  file: `artifact ${recordsArtifactName(site)}`,
  line: 1,
  col: 1,
  path: at,
});

/** One line from whatever a request threw; never the token (Octokit does not put it in messages). */
const oneLine = (err: unknown): string => {
  const status = (err as { status?: unknown }).status;
  const short = firstLineOf(err)
    .replace(/ - https:\/\/docs\.github\.com\S*/, '')
    .slice(0, 160);
  return typeof status === 'number' && status !== 500 ? `GitHub answered ${status}: ${short}` : short;
};

class FetchFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const cacheFile = (mirrorDir: string, site: string) => path.join(mirrorDir, CACHE_DIR, `${site}.json`);

const readCache = async (mirrorDir: string, site: string): Promise<CacheEntry | undefined> => {
  try {
    const v = JSON.parse(await readFile(cacheFile(mirrorDir, site), 'utf8')) as Partial<CacheEntry>;
    return v.version === 1 && typeof v.artifactId === 'number' && typeof v.kept === 'number'
      ? (v as CacheEntry)
      : undefined;
  } catch {
    return undefined;
  }
};

const writeCache = async (mirrorDir: string, site: string, entry: CacheEntry): Promise<void> => {
  await mkdir(path.join(mirrorDir, CACHE_DIR), { recursive: true });
  await writeFileAtomic(cacheFile(mirrorDir, site), `${JSON.stringify(entry)}\n`);
};

interface ArtifactInfo {
  id: number;
  createdAt: string;
}

/** The newest artifact of that name that has not expired. */
const newestArtifact = async (o: FetchRecordsOptions, site: string): Promise<ArtifactInfo | undefined> => {
  let best: ArtifactInfo | undefined;
  for (let page = 1; page <= MAX_LIST_PAGES; page++) {
    const { data } = await o.octokit.rest.actions.listArtifactsForRepo({
      owner: o.owner,
      repo: o.repo,
      name: recordsArtifactName(site),
      per_page: PER_PAGE,
      page,
      ...(o.signal ? { request: { signal: o.signal } } : {}),
    });
    for (const a of data.artifacts) {
      // The name filter is GitHub's; checking again costs nothing.
      if (a.expired || a.name !== recordsArtifactName(site) || !a.created_at) continue;
      if (best === undefined || Date.parse(a.created_at) > Date.parse(best.createdAt))
        best = { id: a.id, createdAt: a.created_at };
    }
    if (best !== undefined || page * PER_PAGE >= data.total_count || data.artifacts.length === 0) break;
  }
  return best;
};

/** A body read up to `max` bytes; one more and the download is dropped. */
const readCapped = async (body: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer> => {
  if (body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new FetchFailure('records.too-large', `the artifact is over the ${max}-byte limit; not read`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
};

/**
 * The artifact's zip. GitHub answers 302 to a short-lived storage URL on another host: the redirect is
 * followed here, without the API token (the URL carries its own signature), and the size is capped.
 */
const downloadZip = async (o: FetchRecordsOptions, id: number): Promise<Buffer> => {
  const max = o.maxDownloadBytes ?? ZIP_MAX_BYTES;
  const res = await o.octokit.request(
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    {
      owner: o.owner,
      repo: o.repo,
      artifact_id: id,
      archive_format: 'zip',
      request: {
        redirect: 'manual',
        parseSuccessResponseBody: false,
        ...(o.signal ? { signal: o.signal } : {}),
      } as Record<string, unknown>,
    },
  );
  const status = res.status as number;
  const body = res.data as unknown as ReadableStream<Uint8Array> | null;
  if (status === 200) return readCapped(body, max);
  await body?.cancel().catch(() => undefined);
  const location = (res.headers as Record<string, string | undefined>).location;
  if (status < 300 || status >= 400 || location === undefined)
    throw new FetchFailure('records.unreachable', `GitHub answered ${status} without the artifact`);
  const target = new URL(location, o.octokit.request.endpoint.DEFAULTS.baseUrl);
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    throw new FetchFailure('records.unreachable', `GitHub redirected to a ${target.protocol} URL`);
  const download = await fetch(target, { redirect: 'follow', ...(o.signal ? { signal: o.signal } : {}) });
  if (download.status !== 200) {
    await download.body?.cancel().catch(() => undefined);
    throw new FetchFailure('records.unreachable', `artifact storage answered ${download.status}`);
  }
  const declared = Number(download.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await download.body?.cancel().catch(() => undefined);
    throw new FetchFailure(
      'records.too-large',
      `the artifact is ${declared} bytes, over the ${max}-byte limit`,
    );
  }
  return readCapped(download.body, max);
};

/** The runs of a `lifeboat runs --format json` document inside the zip. */
const runsOf = (zip: Buffer): unknown[] => {
  const read = readZip(zip);
  if (!read.ok)
    throw new FetchFailure('records.bad-zip', `artifact refused (${read.refusal}): ${read.message}`);
  const [entry] = read.entries;
  if (entry === undefined || !entry.name.endsWith('.json'))
    throw new FetchFailure('records.not-records', 'the artifact holds no .json file');
  let doc: unknown;
  try {
    doc = JSON.parse(entry.data.toString('utf8'));
  } catch {
    throw new FetchFailure('records.not-records', `${quote(entry.name, 60)} is not valid JSON`);
  }
  const d = doc as { version?: unknown; runs?: unknown };
  if (typeof doc !== 'object' || doc === null || d.version !== 1 || !Array.isArray(d.runs))
    throw new FetchFailure(
      'records.not-records',
      `${quote(entry.name, 60)} is not a \`lifeboat runs --format json\` document (version 1 with runs)`,
    );
  return d.runs;
};

/** Check each record, refuse other sites' records, and write the good ones into the mirror. */
const mirror = async (
  mirrorDir: string,
  site: string,
  runs: readonly unknown[],
  problems: Problem[],
): Promise<{ kept: number; added: number }> => {
  let kept = 0;
  let added = 0;
  for (const [i, value] of runs.entries()) {
    const at = `runs[${i}]`;
    const checked = checkRunRecord(value);
    if (!checked.ok) {
      const more = checked.errors.length > 1 ? ` (and ${checked.errors.length - 1} more)` : '';
      problems.push(
        problem(
          'records.invalid',
          'warning',
          site,
          `${at}: not a valid RunRecord: ${checked.errors[0]}${more}`,
          at,
        ),
      );
      continue;
    }
    const record = checked.record;
    if (record.site !== site) {
      // A runner speaks for its own site only.
      problems.push(
        problem(
          'records.foreign-site',
          'warning',
          site,
          `${at}: record ${quote(record.id)} is about site ${quote(record.site)}, not ${site}; refused`,
          at,
        ),
      );
      continue;
    }
    try {
      await writeRunRecord(mirrorDir, record);
      added++;
    } catch (err) {
      // Already mirrored from an earlier artifact: records are never rewritten.
      if (!(err instanceof LedgerError && err.code === 'ledger.duplicate-id')) throw err;
    }
    kept++;
  }
  return { kept, added };
};

const fetchSite = async (o: FetchRecordsOptions, site: string): Promise<SiteFetch> => {
  const now = (o.now ?? (() => new Date()))();
  const problems: Problem[] = [];
  let artifact: SiteFetch['artifact'];
  try {
    const found = await newestArtifact(o, site);
    if (found === undefined) return { site, status: 'none', kept: 0, added: 0, problems };
    artifact = {
      id: found.id,
      createdAt: found.createdAt,
      ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(found.createdAt)) / 1000)),
    };
    const cached = await readCache(o.mirrorDir, site);
    if (cached?.artifactId === found.id)
      return { site, status: 'unchanged', artifact, kept: cached.kept, added: 0, problems };
    const runs = runsOf(await downloadZip(o, found.id));
    const { kept, added } = await mirror(o.mirrorDir, site, runs, problems);
    await writeCache(o.mirrorDir, site, {
      version: 1,
      artifactId: found.id,
      createdAt: found.createdAt,
      kept,
    });
    return { site, status: 'fetched', artifact, kept, added, problems };
  } catch (err) {
    const code = err instanceof FetchFailure ? err.code : 'records.unreachable';
    const message = err instanceof FetchFailure ? err.message : `could not ask GitHub: ${oneLine(err)}`;
    problems.push(problem(code, 'error', site, message));
    return { site, status: 'failed', ...(artifact ? { artifact } : {}), kept: 0, added: 0, problems };
  }
};

/** Fetch and mirror each site's newest records artifact; one site failing never stops the others. */
export const fetchSiteRecords = async (o: FetchRecordsOptions): Promise<SiteFetch[]> => {
  await mkdir(o.mirrorDir, { recursive: true });
  return Promise.all(o.sites.map((site) => fetchSite(o, site)));
};
