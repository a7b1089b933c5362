import { firstLineOf, type Inventory } from '@lifeboat/core';
import { Octokit } from '@octokit/rest';
import type { BotRequest } from '../requests/types.js';
import { workflowInputs } from './github-inputs.js';
import type { Dispatcher, DispatchResult, PreflightResult } from './types.js';

// Dispatch to the site's self-hosted runner through GitHub Actions: the runner does the restore and posts
// the result to the Slack thread itself (runners/src/notify/slack), the bot only starts the run and links it.

export interface GitHubDispatcherOptions {
  token: string;
  owner: string;
  repo: string;
  /** Default `restore.yml`. */
  workflow?: string;
  /** Default `drill.yml`. */
  drillWorkflow?: string;
  baseUrl?: string;
  /** Where sites' runner labels come from. A function so a reloaded inventory is seen. */
  inventory: Inventory | (() => Inventory);
  /** The branch to dispatch on; default: the repository's default branch (repos.get), fetched once. */
  ref?: string;
  /** How long to look for the run when the dispatch did not return it; default 60 s. */
  findRunTimeoutMs?: number;
  /** Delay between looks; default 2 s. */
  findRunPollMs?: number;
  /** A prepared client; otherwise one is made from token and baseUrl. */
  octokit?: Octokit;
  /** The fetch the made client uses (tests answer endpoints a fake lacks). */
  fetch?: typeof fetch;
  now?: () => Date;
}

interface HttpishError {
  status?: number;
  message?: string;
}

const statusOf = (error: unknown): number | undefined => {
  const s = (error as HttpishError | undefined)?.status;
  return typeof s === 'number' ? s : undefined;
};

/** An Octokit failure as a bot code; the message is GitHub's first line, never the token or headers. */
export const githubFailure = (error: unknown, what: string): { ok: false; code: string; message: string } => {
  const status = statusOf(error);
  const detail = firstLineOf(error).slice(0, 200);
  if (status === 401 || status === 403)
    return {
      ok: false,
      code: 'github.auth',
      message: `GitHub refused the token while trying to ${what} (HTTP ${status})`,
    };
  if (status === 404)
    return {
      ok: false,
      code: 'github.not-found',
      message: `GitHub found no such repository or workflow while trying to ${what}`,
    };
  return {
    ok: false,
    code: 'github.dispatch-failed',
    message: `could not ${what}: ${status !== undefined ? `HTTP ${status} ` : ''}${detail ?? ''}`.trim(),
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const createGitHubDispatcher = (options: GitHubDispatcherOptions): Dispatcher => {
  const octokit =
    options.octokit ??
    new Octokit({
      auth: options.token,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      userAgent: 'lifeboat-bot',
      // Failures come back as codes (a 422 is the expected fallback path); Octokit's own request log is noise.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      // Retries would double-dispatch: the bot owns retrying, through its request states.
      request: { retries: 0, ...(options.fetch ? { fetch: options.fetch } : {}) },
    });
  const { owner, repo } = options;
  const now = options.now ?? (() => new Date());
  const inventory = () => (typeof options.inventory === 'function' ? options.inventory() : options.inventory);
  let ref: string | undefined = options.ref;

  const defaultBranch = async (): Promise<string> => {
    if (ref === undefined) {
      const { data } = await octokit.rest.repos.get({ owner, repo });
      ref = data.default_branch;
    }
    return ref;
  };

  const labelsOf = (site: string): string[] | undefined => {
    const entry = inventory().sites.find((s) => s.value.metadata.name === site);
    return entry ? ['self-hosted', ...entry.value.spec.runner.labels] : undefined;
  };

  const preflight = async (request: BotRequest): Promise<PreflightResult> => {
    const labels = labelsOf(request.site);
    if (!labels)
      return { ok: false, code: 'draft.unknown-site', message: `no site ${request.site} in the inventory` };
    const wanted = [...new Set(labels.map((l) => l.toLowerCase()))];
    let runners: Array<{ name: string; status: string; busy: boolean; labels: Array<{ name: string }> }>;
    try {
      runners = await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForRepo, {
        owner,
        repo,
        per_page: 100,
      });
    } catch (error) {
      return githubFailure(error, 'list the repository runners');
    }
    const matching = runners.filter((r) => {
      const have = new Set(r.labels.map((l) => l.name.toLowerCase()));
      return wanted.every((l) => have.has(l));
    });
    const online = matching.filter((r) => r.status === 'online');
    if (online.length === 0)
      return {
        ok: false,
        code: 'runner.offline',
        message:
          matching.length === 0
            ? `no runner is registered with the labels of site ${request.site} (${wanted.join(', ')})`
            : `the runner(s) of site ${request.site} (${matching.map((r) => r.name).join(', ')}) are offline`,
      };
    if (online.every((r) => r.busy))
      return {
        ok: false,
        code: 'runner.busy',
        message: `the runner(s) of site ${request.site} (${online.map((r) => r.name).join(', ')}) are running another job`,
      };
    return { ok: true };
  };

  const findRun = async (workflowId: string, requestId: string, since: Date): Promise<DispatchResult> => {
    const timeout = options.findRunTimeoutMs ?? 60_000;
    const poll = options.findRunPollMs ?? 2_000;
    const deadline = Date.now() + timeout;
    // A minute of slack for clock skew between this machine and GitHub.
    const created = `>=${new Date(since.getTime() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    for (;;) {
      try {
        // The repository-wide list (one call for both workflows); the request id is unique, the path confirms.
        const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({
          owner,
          repo,
          event: 'workflow_dispatch',
          created,
          per_page: 100,
        });
        const run = data.workflow_runs.find(
          (r) =>
            ((r.display_title ?? '').includes(requestId) || (r.name ?? '').includes(requestId)) &&
            (r.path === undefined || r.path === '' || r.path.includes(`/${workflowId}`)),
        );
        if (run) return { ok: true, runId: String(run.id), runUrl: run.html_url };
      } catch (error) {
        const failure = githubFailure(error, 'list workflow runs');
        if (failure.code === 'github.auth') return failure;
      }
      if (Date.now() + poll > deadline) break;
      await sleep(poll);
    }
    return {
      ok: false,
      code: 'github.run-not-found',
      message: `the dispatch was accepted but no ${workflowId} run naming ${requestId} appeared within ${Math.round(timeout / 1000)} s`,
    };
  };

  const dispatch = async (request: BotRequest): Promise<DispatchResult> => {
    const workflowId =
      request.kind === 'drill' ? (options.drillWorkflow ?? 'drill.yml') : (options.workflow ?? 'restore.yml');
    let branch: string;
    try {
      branch = await defaultBranch();
    } catch (error) {
      return githubFailure(error, 'read the repository default branch');
    }
    const params = { owner, repo, workflow_id: workflowId, ref: branch, inputs: workflowInputs(request) };
    const since = now();
    try {
      const response = await octokit.rest.actions.createWorkflowDispatch({
        ...params,
        return_run_details: true,
      });
      const data = (response.data ?? {}) as { workflow_run_id?: number; html_url?: string };
      if ((response.status as number) === 200 && typeof data.workflow_run_id === 'number')
        return {
          ok: true,
          runId: String(data.workflow_run_id),
          ...(data.html_url !== undefined ? { runUrl: data.html_url } : {}),
        };
      // Accepted without details (204): the run exists or soon will; find it by the request id.
      return findRun(workflowId, request.id, since);
    } catch (error) {
      const status = statusOf(error);
      if (status !== 400 && status !== 422) return githubFailure(error, `dispatch ${workflowId}`);
    }
    // Servers that predate return_run_details refuse the key: dispatch without it, then find the run.
    try {
      await octokit.rest.actions.createWorkflowDispatch(params);
    } catch (error) {
      return githubFailure(error, `dispatch ${workflowId}`);
    }
    return findRun(workflowId, request.id, since);
  };

  return {
    name: 'github',
    preflight,
    dispatch: async (request, onUpdate) => {
      const result = await dispatch(request);
      if (result.ok)
        onUpdate({
          phase: 'started',
          message: `dispatched to the runner of ${request.site}${result.runUrl ? ` (${result.runUrl})` : ''}`,
        });
      return result;
    },
  };
};
