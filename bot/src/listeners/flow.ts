import { type Inventory, parseDuration, type RunRecord } from '@lifeboat/core';
import { authorizeApproval, authorizeRequest, normaliseDraft, validateDraft } from '../authz/index.js';
import type { RunUpdate } from '../dispatch/types.js';
import { explain, mention, requestStatusMessage } from '../messages/index.js';
import type { BotRequest, RequestDraft, RequestResult, RequestState } from '../requests/index.js';
import type { BotDeps } from './deps.js';
import { watchRun } from './run-watch.js';

// A request's life after the ack: checks → one status message → approval → preflight → exactly one dispatch →
// result. Every step is audited and explained in the thread; the store's atomic transitions make retries,
// double clicks and restarts harmless.

export interface Asker {
  user: string;
  channel: string;
}

const subjectOf = (r: Pick<RequestDraft, 'policy' | 'image'>) => r.policy ?? r.image ?? '-';

/** Tell one person something only they should see. Never throws: a failed notice must not stop the flow. */
export const tell = async (deps: BotDeps, who: Asker, text: string): Promise<void> => {
  try {
    await deps.slack.chat.postEphemeral({ channel: who.channel, user: who.user, text });
  } catch (err) {
    deps.logger.warn(`could not tell ${who.user} in ${who.channel}: ${(err as Error).message}`);
  }
};

const audit = async (
  deps: BotDeps,
  type: Parameters<BotDeps['audit']['append']>[0]['type'],
  r: Pick<BotRequest, 'site' | 'policy' | 'image'> & { id?: string },
  actor: string,
  detail: string,
) =>
  deps.audit.append({
    at: deps.now().toISOString(),
    type,
    requestId: r.id ?? '-',
    actor,
    site: r.site || '-',
    subject: subjectOf(r),
    detail,
  });

/** Approvers to name, where the data lands, and the RTO: read from the inventory for the status message. */
const extrasFor = (inventory: Inventory, r: BotRequest) => {
  const site = inventory.sites.find((s) => s.value.metadata.name === r.site)?.value;
  const policy = inventory.policies.find((p) => p.value.metadata.name === r.policy)?.value;
  const image = inventory.images.find((i) => i.value.metadata.name === r.image)?.value;
  const approvers = (
    policy?.spec.restore?.approvers ??
    image?.spec.approvers ??
    site?.spec.access.approvers ??
    []
  ).filter((a) => a !== r.requester);
  const rto = policy?.spec.objectives?.rto;
  const extras: { approvers: string[]; destination?: string; rtoSeconds?: number } = { approvers };
  if (r.kind === 'restore' && r.target === 'alternate' && policy?.spec.restore)
    extras.destination = policy.spec.restore.alternateTarget;
  if (rto) {
    const s = parseDuration(rto);
    if (s !== undefined) extras.rtoSeconds = s;
  }
  return extras;
};

/** Redraw the ONE status message from the stored request. */
export const refreshStatus = async (deps: BotDeps, request: BotRequest, progress?: string): Promise<void> => {
  if (!request.messageTs) return;
  const extras = { ...extrasFor(await deps.inventory(), request), ...(progress ? { progress } : {}) };
  const msg = requestStatusMessage(request, extras);
  try {
    await deps.slack.chat.update({
      channel: request.channel,
      ts: request.messageTs,
      text: msg.text,
      blocks: msg.blocks,
    });
  } catch (err) {
    deps.logger.warn(`could not update the status of ${request.id}: ${(err as Error).message}`);
  }
};

/** A reply in the request's thread: every decision is explained there. */
export const sayInThread = async (deps: BotDeps, request: BotRequest, text: string): Promise<void> => {
  if (!request.threadTs) return;
  try {
    await deps.slack.chat.postMessage({ channel: request.channel, thread_ts: request.threadTs, text });
  } catch (err) {
    deps.logger.warn(`could not reply in the thread of ${request.id}: ${(err as Error).message}`);
  }
};

export interface Submission {
  draft: RequestDraft;
  asker: Asker;
  /** Same key → same request: Slack retries and double submits create nothing new. */
  idempotencyKey: string;
}

/** Check, record and announce a new request; dispatch it at once when no approval is needed. */
export const submitRequest = async (deps: BotDeps, s: Submission): Promise<BotRequest | undefined> => {
  const { asker } = s;
  if (await deps.store.findByKey(s.idempotencyKey)) return undefined; // a retry of something already handled
  const rate = deps.limiter.take(asker.user);
  if (!rate.allowed) {
    await audit(
      deps,
      'refusal',
      s.draft,
      asker.user,
      `rate.limited: retry after ${rate.retryAfterSeconds} s`,
    );
    await tell(deps, asker, explain('rate.limited', `try again in ${rate.retryAfterSeconds} s`));
    return undefined;
  }
  const inventory = await deps.inventory();
  const draft = normaliseDraft(s.draft);
  const problems = validateDraft(inventory, draft);
  if (problems.length > 0) {
    await audit(deps, 'refusal', draft, asker.user, problems.map((p) => p.code).join(', '));
    await tell(deps, asker, problems.map((p) => explain(p.code, p.message)).join('\n\n'));
    return undefined;
  }
  const decision = await authorizeRequest(inventory, draft, asker.user, deps.groupsOf);
  const now = deps.now();
  const state: RequestState = !decision.allowed
    ? 'refused'
    : decision.needsApproval
      ? 'pending-approval'
      : 'approved';
  const note = decision.allowed ? decision.why : `${decision.code}: ${decision.why}`;
  const input = { ...draft, requester: asker.user, channel: asker.channel, state, note };
  const expiresAt =
    state === 'pending-approval'
      ? new Date(now.getTime() + deps.config.approvalTtlSeconds * 1000).toISOString()
      : undefined;
  const { request, created } = await deps.store.create(
    expiresAt ? { ...input, expiresAt } : input,
    s.idempotencyKey,
  );
  if (!created) return undefined;
  if (!decision.allowed) {
    await audit(deps, 'refusal', request, asker.user, note);
    await tell(deps, asker, explain(decision.code, decision.why));
    return request;
  }
  await audit(deps, 'request', request, asker.user, `${state}: ${decision.why}`);
  const posted = await postStatus(deps, request);
  if (!posted) {
    await tell(
      deps,
      asker,
      `Request \`${request.id}\` is recorded, but I could not post in this channel: invite me (\`/invite @lifeboat\`) and ask again.`,
    );
    return request;
  }
  if (decision.needsApproval) {
    await sayInThread(
      deps,
      posted,
      `Needs an approval: ${decision.why}. ${decision.approvers.map(mention).join(', ')} — use the buttons above. ${mention(asker.user)} cannot approve their own request.`,
    );
    return posted;
  }
  await sayInThread(deps, posted, `No approval needed: ${decision.why}.`);
  await runApproved(deps, posted);
  return (await deps.store.get(request.id)) ?? posted;
};

/** Post the status message (the thread's root) and remember where it is. */
const postStatus = async (deps: BotDeps, request: BotRequest): Promise<BotRequest | undefined> => {
  const msg = requestStatusMessage(request, extrasFor(await deps.inventory(), request));
  try {
    const res = await deps.slack.chat.postMessage({
      channel: request.channel,
      text: msg.text,
      blocks: msg.blocks,
    });
    if (!res.ts) return undefined;
    return await deps.store.update(request.id, { threadTs: res.ts, messageTs: res.ts });
  } catch (err) {
    deps.logger.warn(`could not post the status of ${request.id}: ${(err as Error).message}`);
    return undefined;
  }
};

export type ApprovalVerb = 'approve' | 'deny';

/** An approver's click. Self-approval, strangers, late and second clicks are refused and explained. */
export const decideRequest = async (
  deps: BotDeps,
  requestId: string,
  verb: ApprovalVerb,
  asker: Asker,
): Promise<void> => {
  let request = await deps.store.get(requestId);
  if (!request) {
    await tell(deps, asker, `No request \`${requestId.slice(0, 40)}\` is known to me.`);
    return;
  }
  if (
    request.state === 'pending-approval' &&
    request.expiresAt &&
    Date.parse(request.expiresAt) <= deps.now().getTime()
  ) {
    await expireDue(deps);
    request = (await deps.store.get(requestId)) ?? request;
  }
  const decision = await authorizeApproval(await deps.inventory(), request, asker.user, deps.groupsOf);
  if (!decision.allowed) {
    await tell(deps, asker, explain(decision.code, decision.why));
    if (decision.code !== 'authz.not-pending') {
      await audit(deps, 'refusal', request, asker.user, `${verb}: ${decision.code}: ${decision.why}`);
      await sayInThread(
        deps,
        request,
        `${mention(asker.user)} tried to ${verb}: refused — ${explain(decision.code, decision.why)}`,
      );
    }
    return;
  }
  const to = verb === 'approve' ? 'approved' : 'denied';
  const t = await deps.store.transition(
    request.id,
    ['pending-approval'],
    to,
    asker.user,
    `${to} by ${asker.user}`,
    verb === 'approve' ? { approver: asker.user } : {},
  );
  if (!t.ok) {
    await tell(
      deps,
      asker,
      `Request \`${request.id}\` is already ${t.request?.state ?? 'gone'}: nothing to do.`,
    );
    return;
  }
  await audit(
    deps,
    verb === 'approve' ? 'approval' : 'denial',
    t.request,
    asker.user,
    `${to} by ${asker.user}`,
  );
  await refreshStatus(deps, t.request);
  await sayInThread(
    deps,
    t.request,
    `${verb === 'approve' ? 'Approved' : 'Denied'} by ${mention(asker.user)}.`,
  );
  if (verb === 'approve') await runApproved(deps, t.request);
};

const resultFrom = (record: RunRecord | undefined, update: RunUpdate | undefined): RequestResult => {
  const outcome: RequestResult['outcome'] =
    (record?.outcome as RequestResult['outcome'] | undefined) ??
    (update?.phase === 'verified' ? 'ok' : 'failed');
  const stats = record?.stats ?? {};
  const bytes = [stats.restore_bytes, stats.bytes].find((b): b is number => typeof b === 'number');
  const verified = record?.verification
    ? ` verified (${record.verification.method}: ${record.verification.passed ? 'passed' : 'FAILED'})`
    : '';
  const target = typeof stats.target === 'string' ? ` to ${stats.target}` : '';
  const summary =
    outcome === 'ok'
      ? `restored${target}${verified}`
      : `${outcome}${record?.error ? `: ${record.error.message}` : update?.message ? `: ${update.message}` : ''}`;
  const result: RequestResult = { outcome, summary: summary.slice(0, 500) };
  const code = record?.error?.code;
  if (code) result.code = code;
  if (record) {
    result.recordId = record.id;
    result.durationSeconds = record.durationSeconds;
  }
  if (bytes !== undefined) result.bytes = bytes;
  return result;
};

/** Preflight, then the one dispatch (guarded by the approved→dispatched transition), then the result. */
export const runApproved = async (deps: BotDeps, approved: BotRequest): Promise<void> => {
  const d = deps.dispatcher;
  const pre = await d.preflight(approved).catch((err: unknown) => ({
    ok: false as const,
    code: 'dispatch.crashed',
    message: (err as Error).message,
  }));
  if (!pre.ok) {
    const t = await deps.store.transition(
      approved.id,
      ['approved'],
      'failed',
      'bot',
      `preflight: ${pre.code}`,
      {
        result: { outcome: 'failed', code: pre.code, summary: `not started: ${pre.message}`.slice(0, 500) },
      },
    );
    if (!t.ok) return;
    await audit(deps, 'result', t.request, 'bot', `preflight ${pre.code}: ${pre.message}`);
    await refreshStatus(deps, t.request);
    await sayInThread(deps, t.request, `Not started — ${explain(pre.code, pre.message)}`);
    return;
  }
  const t = await deps.store.transition(
    approved.id,
    ['approved'],
    'dispatched',
    'bot',
    `dispatched via ${d.name}`,
    {
      dispatch: { dispatcher: d.name, at: deps.now().toISOString() },
    },
  );
  if (!t.ok) return; // someone else dispatched it: exactly once
  let request = t.request;
  await audit(deps, 'dispatch', request, 'bot', `dispatched via ${d.name}`);
  await refreshStatus(deps, request);

  // Updates arrive as the run goes; they are applied in order, one message update at a time.
  let last: RunUpdate | undefined;
  let record: RunRecord | undefined;
  let chain: Promise<void> = Promise.resolve();
  let lastProgressAt = 0;
  const onUpdate = (u: RunUpdate) => {
    last = u;
    if (u.record) record = u.record;
    if (u.phase === 'progress' && Date.now() - lastProgressAt < 1000) return;
    lastProgressAt = Date.now();
    chain = chain.then(async () => {
      if (u.phase === 'started' || u.phase === 'progress') {
        const r = await deps.store.transition(
          request.id,
          ['dispatched'],
          'running',
          'runner',
          u.message.slice(0, 200),
        );
        if (r.ok) request = r.request;
        const pct = u.percent !== undefined ? ` ${Math.round(u.percent)} %` : '';
        await refreshStatus(deps, request, `Progress:${pct} ${u.message}`.slice(0, 300));
      }
    });
  };
  const res = await d.dispatch(request, onUpdate).catch((err: unknown) => ({
    ok: false as const,
    code: 'dispatch.crashed',
    message: (err as Error).message,
  }));
  await chain;
  if (!res.ok) {
    const f = await deps.store.transition(
      request.id,
      ['dispatched', 'running'],
      'failed',
      'bot',
      `dispatch: ${res.code}`,
      {
        result: { outcome: 'failed', code: res.code, summary: res.message.slice(0, 500) },
      },
    );
    if (!f.ok) return;
    await audit(deps, 'result', f.request, 'bot', `dispatch failed ${res.code}: ${res.message}`);
    await refreshStatus(deps, f.request);
    await sayInThread(deps, f.request, `Dispatch failed — ${explain(res.code, res.message)}`);
    return;
  }
  const dispatch = { ...(request.dispatch ?? { dispatcher: d.name, at: deps.now().toISOString() }) };
  if (res.runId !== undefined) dispatch.runId = res.runId;
  if (res.runUrl !== undefined) dispatch.runUrl = res.runUrl;
  request = (await deps.store.update(request.id, { dispatch })) ?? request;
  const finished = last?.phase === 'verified' || last?.phase === 'failed' || d.name === 'local';
  if (!finished) {
    // GitHub: the site runner posts progress and the result into this thread itself.
    await refreshStatus(deps, request);
    await sayInThread(
      deps,
      request,
      `Started on the site runner${res.runUrl ? `: <${res.runUrl}|run ${res.runId ?? ''}>` : ''}. The runner updates the message above with the result.`,
    );
    void watchRun(deps, request);
    return;
  }
  const result = resultFrom(record, last);
  const to = result.outcome === 'ok' ? 'succeeded' : 'failed';
  const f = await deps.store.transition(request.id, ['dispatched', 'running'], to, 'runner', result.summary, {
    result,
  });
  if (!f.ok) return;
  await audit(
    deps,
    'result',
    f.request,
    'runner',
    `${result.outcome}${result.code ? ` ${result.code}` : ''}: ${result.summary}`,
  );
  await refreshStatus(deps, f.request);
  await sayInThread(
    deps,
    f.request,
    to === 'succeeded'
      ? `Done: ${result.summary}.`
      : `Failed: ${result.summary}${result.code ? `\n${explain(result.code)}` : ''}`,
  );
};

/** Pending approvals past their window become `expired`, audited and explained. */
export const expireDue = async (deps: BotDeps): Promise<void> => {
  for (const r of await deps.store.expire(deps.now())) {
    await audit(deps, 'expiry', r, 'bot', 'no approval within the window');
    await refreshStatus(deps, r);
    await sayInThread(deps, r, `Expired — ${explain('request.expired')}`);
  }
};
