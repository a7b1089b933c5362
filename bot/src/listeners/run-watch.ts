import type { BotRequest } from '../requests/index.js';
import type { BotDeps } from './deps.js';
import { runApproved, sayInThread } from './flow.js';

// In GitHub mode the site runner posts the result into the thread itself; the bot still records how each run
// ended (succeeded/failed, audited) by watching the workflow run. After a restart the bot picks up where it
// was: approved requests are dispatched (once: the store's transition guards it) and running ones watched.

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Poll the workflow run until it completes, then record the result; stops quietly when the bot stops. */
export const watchRun = async (deps: BotDeps, request: BotRequest): Promise<void> => {
  const runId = request.dispatch?.runId;
  if (!deps.runStatus || runId === undefined) return;
  const until = Date.now() + deps.runWatchMaxMs;
  while (!deps.signal.aborted && Date.now() < until) {
    let run: Awaited<ReturnType<NonNullable<BotDeps['runStatus']>>> | undefined;
    try {
      run = await deps.runStatus(runId);
    } catch (err) {
      deps.logger.debug(`run ${runId} of ${request.id}: ${(err as Error).message}`);
    }
    if (run?.status === 'completed') {
      const ok = run.conclusion === 'success';
      const summary = ok
        ? `workflow run ${runId} succeeded`
        : `workflow run ${runId} ended ${run.conclusion ?? 'without a conclusion'}`;
      const t = await deps.store.transition(
        request.id,
        ['dispatched', 'running'],
        ok ? 'succeeded' : 'failed',
        'runner',
        summary,
        {
          result: { outcome: ok ? 'ok' : run.conclusion === 'cancelled' ? 'cancelled' : 'failed', summary },
        },
      );
      if (!t.ok) return;
      await deps.audit.append({
        at: deps.now().toISOString(),
        type: 'result',
        requestId: t.request.id,
        actor: 'runner',
        site: t.request.site,
        subject: t.request.policy ?? t.request.image ?? '-',
        detail: summary,
      });
      // The runner has already put the details into the status message; the thread gets one line.
      await sayInThread(deps, t.request, `Run finished: ${summary}.`);
      return;
    }
    await sleep(deps.runPollMs, deps.signal);
  }
};

/** On start: dispatch what was approved but not yet dispatched, and watch runs still going. */
export const resumeRequests = async (deps: BotDeps): Promise<void> => {
  for (const r of await deps.store.list({ state: ['approved', 'dispatched', 'running'] })) {
    if (r.state === 'approved') deps.track(deps.queue.run(() => runApproved(deps, r)));
    else if (r.dispatch?.dispatcher === 'github') void watchRun(deps, r);
  }
};
