// A local stand-in for the GitHub REST API, so tests exercise real HTTP through Octokit without the network.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startLoopbackServer } from './loopback-server.js';

/** An issue or pull-request comment as the fake stores it. */
export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** A workflow run; dispatches create them, tests may add or edit them directly. */
export interface FakeWorkflowRun {
  id: number;
  owner: string;
  repo: string;
  /** The workflow file name or id it was dispatched to, e.g. `restore.yml`. */
  workflowId: string;
  name: string;
  /** What `run-name:` renders to; GitHub's `display_title`. */
  displayTitle: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  headBranch: string;
  headSha: string;
  runNumber: number;
  createdAt: string;
  updatedAt: string;
}

/** One accepted `POST .../dispatches`. */
export interface FakeDispatch {
  owner: string;
  repo: string;
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  returnRunDetails: boolean;
  runId: number;
}

export interface FakeRunnerConfig {
  name: string;
  status?: 'online' | 'offline';
  busy?: boolean;
  /** Every label, e.g. `['self-hosted', 'Linux', 'X64', 'site-lisle']`. */
  labels?: string[];
  os?: string;
}

export interface FakeRunner {
  id: number;
  name: string;
  os: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: string[];
}

/** A workflow artifact; its zip is served from a second loopback server, as GitHub serves from storage. */
export interface FakeArtifact {
  id: number;
  owner: string;
  repo: string;
  name: string;
  /** The archive's bytes, as the storage URL returns them. */
  zip: Buffer;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  workflowRunId: number;
}

export interface FakeGitHubState {
  comments: FakeComment[];
  runs: FakeWorkflowRun[];
  dispatches: FakeDispatch[];
  runners: FakeRunner[];
  artifacts: FakeArtifact[];
}

/** Every request the fake saw, in order, whatever its outcome. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text if it was not JSON, undefined if empty. */
  body: unknown;
  status: number;
  /** 'storage' for artifact downloads after the redirect; 'api' otherwise. */
  server: 'api' | 'storage';
}

export interface FakeGitHubOptions {
  /** The one token accepted (`authorization: token X` or `Bearer X`). Default `test-token`. */
  token?: string;
  /** Close after this long without a request, so a forgotten server can never hang a test. Default 60 s. */
  idleTimeoutMs?: number;
  /** Author of comments created through the API. Default `github-actions[bot]`. */
  login?: string;
  /** Behave like servers that predate `return_run_details`: 422 when the key is present. */
  rejectReturnRunDetails?: boolean;
  /** Known workflow ids; a dispatch to any other is 404. Default: every id is known. */
  workflows?: string[];
  runners?: FakeRunnerConfig[];
  /** Renders a dispatched run's display title, as a workflow's `run-name:` would. Default: the workflow id. */
  runName?: (dispatch: { workflowId: string; ref: string; inputs: Record<string, unknown> }) => string;
  /** Clock for `created_at` and friends. */
  now?: () => Date;
  /** What `GET /repos/{owner}/{repo}` reports as the default branch (dispatches go there). Default `main`. */
  defaultBranch?: string;
}

export interface FakeGitHub {
  /** Base URL to hand Octokit as `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  state: FakeGitHubState;
  requests: RecordedRequest[];
  /** Seed a comment without going through HTTP (e.g. 150 of them for pagination). */
  addComment: (comment: {
    owner: string;
    repo: string;
    issueNumber: number;
    body: string;
    user?: string;
  }) => FakeComment;
  /** Seed a workflow run; unspecified fields get plausible values. */
  addRun: (run: Partial<FakeWorkflowRun> & { owner: string; repo: string }) => FakeWorkflowRun;
  /** Seed an artifact (e.g. `lifeboat-records-lisle` holding a zip built with buildZip). */
  addArtifact: (
    artifact: Partial<FakeArtifact> & { owner: string; repo: string; name: string; zip: Buffer },
  ) => FakeArtifact;
  /** Base URL of the storage server artifact downloads redirect to (another origin than `url`). */
  storageUrl: string;
  /** Resolves once the server has closed, by `close()` or by the idle timeout. */
  closed: Promise<void>;
  close: () => Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** GitHub refuses comment bodies longer than this (characters). */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
const MAX_DISPATCH_INPUTS = 25;
const READ_ONLY_LABELS = new Set(['self-hosted', 'Linux', 'Windows', 'macOS', 'X64', 'ARM64', 'ARM']);
const DOCS = 'https://docs.github.com/rest';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const tokenOf = (header: string | undefined): string | undefined => {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
};

const positiveInt = (text: string | null, fallback: number): number => {
  if (text === null || !/^\d+$/.test(text)) return fallback;
  const n = Number(text);
  return n >= 1 ? n : fallback;
};

/** Date bounds for GitHub's `created` filter: `>=X`, `>X`, `<=X`, `<X`, `X..Y` (either may be `*`), or `X`. */
const createdMatcher = (filter: string): ((iso: string) => boolean) => {
  const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const start = (s: string) => Date.parse(dateOnly(s) ? `${s}T00:00:00Z` : s);
  // An upper bound given as a date includes that whole day.
  const end = (s: string) => (dateOnly(s) ? Date.parse(`${s}T00:00:00Z`) + 86_400_000 - 1 : Date.parse(s));
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let loOpen = false;
  let hiOpen = false;
  const op = /^(>=|<=|>|<)(.+)$/.exec(filter);
  if (op) {
    const [, sign, value = ''] = op;
    if (sign === '>=') lo = start(value);
    if (sign === '>') [lo, loOpen] = [end(value), true];
    if (sign === '<=') hi = end(value);
    if (sign === '<') [hi, hiOpen] = [start(value), true];
  } else if (filter.includes('..')) {
    const [from = '*', to = '*'] = filter.split('..');
    if (from !== '*') lo = start(from);
    if (to !== '*') hi = end(to);
  } else {
    [lo, hi] = [start(filter), end(filter)];
  }
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new HttpError(422, `Invalid created filter: ${filter}`);
  return (iso) => {
    const t = Date.parse(iso);
    return (loOpen ? t > lo : t >= lo) && (hiOpen ? t < hi : t <= hi);
  };
};

/** Start the fake on 127.0.0.1 with an OS-chosen port. */
export const startFakeGitHub = async (options: FakeGitHubOptions = {}): Promise<FakeGitHub> => {
  const token = options.token ?? 'test-token';
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const login = options.login ?? 'github-actions[bot]';
  const now = options.now ?? (() => new Date());
  const state: FakeGitHubState = { comments: [], runs: [], dispatches: [], runners: [], artifacts: [] };
  const requests: RecordedRequest[] = [];
  let nextId = 1;
  let url = '';

  for (const r of options.runners ?? []) {
    state.runners.push({
      id: nextId++,
      name: r.name,
      os: r.os ?? 'Linux',
      status: r.status ?? 'online',
      busy: r.busy ?? false,
      labels: r.labels ?? ['self-hosted', 'Linux', 'X64'],
    });
  }

  const addComment: FakeGitHub['addComment'] = (c) => {
    const at = now().toISOString();
    const comment: FakeComment = {
      id: nextId++,
      owner: c.owner,
      repo: c.repo,
      issueNumber: c.issueNumber,
      body: c.body,
      user: c.user ?? 'someone',
      createdAt: at,
      updatedAt: at,
    };
    state.comments.push(comment);
    return comment;
  };

  const addRun: FakeGitHub['addRun'] = (r) => {
    const at = now().toISOString();
    const workflowId = r.workflowId ?? 'workflow.yml';
    const run: FakeWorkflowRun = {
      id: nextId++,
      workflowId,
      name: workflowId,
      displayTitle: workflowId,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      headBranch: 'main',
      headSha: '0'.repeat(40),
      runNumber: state.runs.filter((x) => x.owner === r.owner && x.repo === r.repo).length + 1,
      createdAt: at,
      updatedAt: at,
      ...r,
    };
    state.runs.push(run);
    return run;
  };

  const addArtifact: FakeGitHub['addArtifact'] = (a) => {
    const at = now();
    const artifact: FakeArtifact = {
      id: nextId++,
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + 8 * 86_400_000).toISOString(),
      expired: false,
      workflowRunId: 0,
      ...a,
    };
    state.artifacts.push(artifact);
    return artifact;
  };

  /** A signed-looking storage URL: what GitHub's 302 points at, valid without the API token. */
  const blobSignature = (id: number) => `sig-${id}-${token.length}`;

  const artifactJson = (a: FakeArtifact) => ({
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.zip.length,
    url: `${url}/repos/${a.owner}/${a.repo}/actions/artifacts/${a.id}`,
    archive_download_url: `${url}/repos/${a.owner}/${a.repo}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    expires_at: a.expiresAt,
    workflow_run: { id: a.workflowRunId, head_branch: 'main', head_sha: '0'.repeat(40) },
  });

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${url}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.owner}/${c.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${url}/repos/${c.owner}/${c.repo}/issues/${c.issueNumber}`,
    body: c.body,
    user: { login: c.user, id: 1, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: 'NONE',
  });

  const runJson = (r: FakeWorkflowRun) => ({
    id: r.id,
    name: r.name,
    node_id: `WFR_${r.id}`,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    path: `.github/workflows/${r.workflowId}`,
    display_title: r.displayTitle,
    run_number: r.runNumber,
    run_attempt: 1,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 1,
    url: `${url}/repos/${r.owner}/${r.repo}/actions/runs/${r.id}`,
    html_url: `https://github.com/${r.owner}/${r.repo}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    run_started_at: r.createdAt,
  });

  const runnerJson = (r: FakeRunner) => ({
    id: r.id,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    labels: r.labels.map((name, i) => ({
      id: i + 1,
      name,
      type: READ_ONLY_LABELS.has(name) ? 'read-only' : 'custom',
    })),
  });

  /** GitHub-style page slicing with a `Link` header Octokit's paginate follows. */
  const page = <T>(items: readonly T[], requestUrl: URL): { items: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(positiveInt(requestUrl.searchParams.get('per_page'), 30), 100);
    const current = positiveInt(requestUrl.searchParams.get('page'), 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const u = new URL(requestUrl.pathname + requestUrl.search, url);
      u.searchParams.set('page', String(n));
      return `<${u.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (current > 1) links.push(link(Math.min(current - 1, last), 'prev'));
    if (current < last) links.push(link(current + 1, 'next'), link(last, 'last'));
    if (current > 1) links.push(link(1, 'first'));
    return {
      items: items.slice((current - 1) * perPage, current * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  };

  const requireRecord = (body: unknown): Record<string, unknown> => {
    if (!isRecord(body)) throw new HttpError(400, 'Problems parsing JSON');
    return body;
  };

  const commentBody = (body: unknown): string => {
    const b = requireRecord(body).body;
    if (typeof b !== 'string' || b.length === 0)
      throw new HttpError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
    if (b.length > GITHUB_COMMENT_MAX_CHARS) {
      throw new HttpError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'IssueComment',
            code: 'unprocessable',
            field: 'data',
            message: `Body is too long (maximum is ${GITHUB_COMMENT_MAX_CHARS} characters)`,
          },
        ],
      });
    }
    return b;
  };

  const dispatch = (owner: string, repo: string, workflowId: string, raw: unknown): Reply => {
    const body = requireRecord(raw);
    if (options.workflows && !options.workflows.includes(workflowId)) throw new HttpError(404, 'Not Found');
    if ('return_run_details' in body && options.rejectReturnRunDetails) {
      throw new HttpError(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
    }
    const { ref, inputs = {}, return_run_details: details = false } = body;
    if (typeof ref !== 'string' || ref.length === 0)
      throw new HttpError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    if (!isRecord(inputs))
      throw new HttpError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.");
    if (Object.keys(inputs).length > MAX_DISPATCH_INPUTS) {
      throw new HttpError(
        422,
        `Invalid request.\n\nNo more than ${MAX_DISPATCH_INPUTS} properties are allowed.`,
      );
    }
    if (typeof details !== 'boolean')
      throw new HttpError(422, 'Invalid request.\n\n"return_run_details" is not a boolean.');
    const title = options.runName?.({ workflowId, ref, inputs }) ?? workflowId;
    const run = addRun({
      owner,
      repo,
      workflowId,
      name: workflowId,
      displayTitle: title,
      event: 'workflow_dispatch',
      headBranch: ref.replace(/^refs\/heads\//, ''),
    });
    state.dispatches.push({ owner, repo, workflowId, ref, inputs, returnRunDetails: details, runId: run.id });
    if (!details) return { status: 204 };
    return {
      status: 200,
      body: {
        workflow_run_id: run.id,
        run_url: `${url}/repos/${owner}/${repo}/actions/runs/${run.id}`,
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${run.id}`,
      },
    };
  };

  const listRuns = (owner: string, repo: string, requestUrl: URL, workflowId?: string): Reply => {
    const q = requestUrl.searchParams;
    const created = q.get('created');
    const inRange = created ? createdMatcher(created) : () => true;
    const matches = state.runs
      .filter(
        (r) =>
          r.owner === owner &&
          r.repo === repo &&
          (workflowId === undefined || r.workflowId === workflowId) &&
          (!q.get('event') || r.event === q.get('event')) &&
          (!q.get('branch') || r.headBranch === q.get('branch')) &&
          (!q.get('head_sha') || r.headSha === q.get('head_sha')) &&
          (!q.get('status') || r.status === q.get('status') || r.conclusion === q.get('status')) &&
          inRange(r.createdAt),
      )
      // Newest first, as GitHub lists them.
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
    const { items, headers } = page(matches, requestUrl);
    return { status: 200, body: { total_count: matches.length, workflow_runs: items.map(runJson) }, headers };
  };

  const route = (method: string, requestUrl: URL, body: unknown): Reply => {
    const path = requestUrl.pathname;
    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (m) {
      const [, owner = '', repo = '', n = ''] = m;
      const issueNumber = Number(n);
      if (method === 'GET') {
        const all = state.comments
          .filter((c) => c.owner === owner && c.repo === repo && c.issueNumber === issueNumber)
          .sort((a, b) => a.id - b.id);
        const { items, headers } = page(all, requestUrl);
        return { status: 200, body: items.map(commentJson), headers };
      }
      if (method === 'POST') {
        const text = commentBody(body);
        const created = addComment({ owner, repo, issueNumber, body: text, user: login });
        return { status: 201, body: commentJson(created), headers: { location: commentJson(created).url } };
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (m && method === 'PATCH') {
      const [, owner, repo, id] = m;
      const comment = state.comments.find((c) => c.owner === owner && c.repo === repo && c.id === Number(id));
      if (!comment) throw new HttpError(404, 'Not Found');
      comment.body = commentBody(body);
      comment.updatedAt = now().toISOString();
      return { status: 200, body: commentJson(comment) };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path);
    if (m && method === 'POST') {
      const [, owner = '', repo = '', workflowId = ''] = m;
      return dispatch(owner, repo, workflowId, body);
    }
    m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      const [, owner = '', repo = ''] = m;
      const defaultBranch = options.defaultBranch ?? 'main';
      return {
        status: 200,
        body: {
          name: repo,
          full_name: `${owner}/${repo}`,
          owner: { login: owner },
          default_branch: defaultBranch,
        },
      };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/.exec(path);
    if (m && method === 'GET') return listRuns(m[1] ?? '', m[2] ?? '', requestUrl, m[3] ?? '');
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/.exec(path);
    if (m && method === 'GET') return listRuns(m[1] ?? '', m[2] ?? '', requestUrl);
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(path);
    if (m && method === 'GET') {
      const [, owner, repo, id] = m;
      const run = state.runs.find((r) => r.owner === owner && r.repo === repo && r.id === Number(id));
      if (!run) throw new HttpError(404, 'Not Found');
      return { status: 200, body: runJson(run) };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts$/.exec(path);
    if (m && method === 'GET') {
      const [, owner, repo] = m;
      const name = requestUrl.searchParams.get('name');
      const all = state.artifacts
        .filter((a) => a.owner === owner && a.repo === repo && (!name || a.name === name))
        // Newest first, as GitHub lists them.
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      const { items, headers } = page(all, requestUrl);
      return { status: 200, body: { total_count: all.length, artifacts: items.map(artifactJson) }, headers };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/(zip|[^/]+)$/.exec(path);
    if (m && method === 'GET') {
      const [, owner, repo, id, format] = m;
      const a = state.artifacts.find((x) => x.owner === owner && x.repo === repo && x.id === Number(id));
      if (!a || format !== 'zip') throw new HttpError(404, 'Not Found');
      if (a.expired) throw new HttpError(410, 'Artifact has expired');
      // GitHub answers with a short-lived storage URL on another host; the bytes come from there.
      return {
        status: 302,
        headers: { location: `${storageUrl}/blobs/${a.id}/artifact.zip?sig=${blobSignature(a.id)}` },
      };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runners$/.exec(path);
    if (m && method === 'GET') {
      const name = requestUrl.searchParams.get('name');
      const all = state.runners.filter((r) => !name || r.name === name);
      const { items, headers } = page(all, requestUrl);
      return { status: 200, body: { total_count: all.length, runners: items.map(runnerJson) }, headers };
    }
    throw new HttpError(404, 'Not Found');
  };

  const send = (res: ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  };

  /** Every request to either origin is recorded, in arrival order, before it is answered. */
  const recordRequest = (req: IncomingMessage, server: RecordedRequest['server']) => {
    const requestUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: requestUrl.pathname,
      query: Object.fromEntries(requestUrl.searchParams),
      headers: req.headers,
      body: undefined,
      status: 0,
      server,
    };
    requests.push(record);
    return { requestUrl, record };
  };

  const server = await startLoopbackServer(idleTimeoutMs, (req, res, armIdleTimer) => {
    const { requestUrl, record } = recordRequest(req, 'api');
    const handle = async (): Promise<Reply> => {
      const text = await readBody(req, MAX_BODY_BYTES, () => new HttpError(413, 'Payload too large'));
      if (text.length > 0) {
        try {
          record.body = JSON.parse(text);
        } catch {
          record.body = text;
          throw new HttpError(400, 'Problems parsing JSON');
        }
      }
      if (tokenOf(req.headers.authorization) !== token) throw new HttpError(401, 'Bad credentials');
      return route(record.method, requestUrl, record.body);
    };
    handle()
      .catch((err: unknown): Reply => {
        if (err instanceof HttpError) {
          return {
            status: err.status,
            body: { message: err.message, ...err.extra, documentation_url: DOCS, status: String(err.status) },
          };
        }
        return { status: 500, body: { message: err instanceof Error ? err.message : String(err) } };
      })
      .then((reply) => {
        record.status = reply.status;
        send(res, reply);
        armIdleTimer();
      });
  });

  // The artifact storage: its own origin, so a client that follows the redirect must not carry the API token
  // there (storage refuses a request with two kinds of authentication, as S3 and Azure do).
  // It lives as long as the API server: no idle clock of its own (the longest a timer takes), closed with it.
  const storage = await startLoopbackServer(2 ** 31 - 1, (req, res, armIdleTimer) => {
    const { requestUrl, record } = recordRequest(req, 'storage');
    const reply = (status: number, body: Buffer | string, type: string) => {
      record.status = status;
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
      armIdleTimer();
    };
    const m = /^\/blobs\/(\d+)\/artifact\.zip$/.exec(requestUrl.pathname);
    const a = m ? state.artifacts.find((x) => x.id === Number(m[1])) : undefined;
    if (req.method !== 'GET' || !a) return reply(404, 'BlobNotFound', 'text/plain');
    if (requestUrl.searchParams.get('sig') !== blobSignature(a.id))
      return reply(403, 'AuthenticationFailed', 'text/plain');
    if (req.headers.authorization !== undefined)
      return reply(400, 'InvalidAuthenticationInfo: only one auth mechanism allowed', 'text/plain');
    return reply(200, a.zip, 'application/zip');
  });
  const storageUrl = `http://127.0.0.1:${storage.port}`;
  void server.closed.then(() => storage.close());

  url = `http://127.0.0.1:${server.port}`;

  const closeBoth = async () => {
    await Promise.all([server.close(), storage.close()]);
  };
  return {
    url,
    storageUrl,
    state,
    requests,
    addComment,
    addRun,
    addArtifact,
    closed: Promise.all([server.closed, storage.closed]).then(() => undefined),
    close: closeBoth,
  };
};
