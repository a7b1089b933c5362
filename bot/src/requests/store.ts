import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@lifeboat/runners';
import { isRequestId, newRequestId } from './ids.js';
import { createKeyedMutex } from './mutex.js';
import { canTransition } from './transitions.js';
import {
  type BotRequest,
  REQUEST_STATES,
  type RequestFilter,
  type RequestPatch,
  type RequestState,
  type RequestStore,
  type TransitionResult,
} from './types.js';

// One JSON file per request, replaced atomically (write, fsync, rename, fsync dir) on every change: a crash
// leaves the old state or the new one, and a restarted bot rebuilds its idempotency index from the files.

const FILE = /^rq_[a-z2-7]{16}\.json$/;

const clone = (r: BotRequest): BotRequest => structuredClone(r);

const isRequest = (v: unknown): v is BotRequest => {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    isRequestId(r.id) &&
    typeof r.idempotencyKey === 'string' &&
    (REQUEST_STATES as readonly unknown[]).includes(r.state) &&
    Array.isArray(r.history)
  );
};

export interface RequestStoreOptions {
  now?: () => Date;
  /** Told about request files that could not be read (they are skipped, not fatal). */
  onNote?: (message: string) => void;
}

export const openRequestStore = async (
  dir: string,
  options: RequestStoreOptions = {},
): Promise<RequestStore> => {
  const now = options.now ?? (() => new Date());
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const byId = new Map<string, BotRequest>();
  const byKey = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (!FILE.test(name)) continue;
    try {
      const v: unknown = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
      if (!isRequest(v) || `${v.id}.json` !== name) throw new Error('not a request');
      byId.set(v.id, v);
      byKey.set(v.idempotencyKey, v.id);
    } catch {
      options.onNote?.(`skipped unreadable request file ${name}`);
    }
  }
  const mutex = createKeyedMutex();
  const save = (r: BotRequest) =>
    writeFileAtomic(path.join(dir, `${r.id}.json`), `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });

  const create: RequestStore['create'] = (input, idempotencyKey) =>
    mutex.run(`key:${idempotencyKey}`, async () => {
      const existing = byKey.get(idempotencyKey);
      const found = existing !== undefined ? byId.get(existing) : undefined;
      if (found) return { request: clone(found), created: false };
      let id = newRequestId();
      while (byId.has(id)) id = newRequestId();
      const at = now().toISOString();
      const { note, ...fields } = input;
      const request: BotRequest = {
        ...fields,
        paths: [...input.paths],
        id,
        idempotencyKey,
        createdAt: at,
        history: [{ at, state: input.state, actor: input.requester, note: note ?? 'requested' }],
      };
      await save(request);
      byId.set(id, request);
      byKey.set(idempotencyKey, id);
      return { request: clone(request), created: true };
    });

  const change = (
    id: string,
    fn: (current: BotRequest) => { next: BotRequest } | { refuse: string },
  ): Promise<TransitionResult> => {
    if (!isRequestId(id))
      return Promise.resolve({ ok: false, request: undefined, reason: 'not a request id' });
    return mutex.run(`id:${id}`, async () => {
      const current = byId.get(id);
      if (!current) return { ok: false, request: undefined, reason: 'no such request' };
      const outcome = fn(current);
      if ('refuse' in outcome) return { ok: false, request: clone(current), reason: outcome.refuse };
      await save(outcome.next);
      byId.set(id, outcome.next);
      return { ok: true, request: clone(outcome.next) };
    });
  };

  const transition: RequestStore['transition'] = (id, from, to, actor, note, patch = {}) =>
    change(id, (current) => {
      if (!from.includes(current.state))
        return { refuse: `request is ${current.state}, not ${from.join(' or ')}` };
      if (!canTransition(current.state, to))
        return { refuse: `a ${current.state} request cannot become ${to}` };
      return {
        next: {
          ...current,
          ...patch,
          state: to,
          history: [...current.history, { at: now().toISOString(), state: to, actor, note }],
        },
      };
    });

  const matches = (r: BotRequest, f: RequestFilter): boolean => {
    const states: readonly RequestState[] | undefined =
      f.state === undefined ? undefined : typeof f.state === 'string' ? [f.state] : f.state;
    return (
      (states === undefined || states.includes(r.state)) &&
      (f.requester === undefined || r.requester === f.requester) &&
      (f.site === undefined || r.site === f.site) &&
      (f.since === undefined || Date.parse(r.createdAt) >= Date.parse(f.since))
    );
  };

  return {
    dir,
    create,
    transition,
    async get(id: string) {
      const r = isRequestId(id) ? byId.get(id) : undefined;
      return r ? clone(r) : undefined;
    },
    async findByKey(key: string) {
      const id = byKey.get(key);
      const r = id !== undefined ? byId.get(id) : undefined;
      return r ? clone(r) : undefined;
    },
    async update(id: string, patch: RequestPatch) {
      const result = await change(id, (current) => ({ next: { ...current, ...patch } }));
      return result.ok ? result.request : undefined;
    },
    async list(filter: RequestFilter = {}) {
      return [...byId.values()]
        .filter((r) => matches(r, filter))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
        .map(clone);
    },
    async expire(at: Date) {
      const moved: BotRequest[] = [];
      const due = [...byId.values()].filter(
        (r) =>
          r.state === 'pending-approval' &&
          r.expiresAt !== undefined &&
          Date.parse(r.expiresAt) <= at.getTime(),
      );
      for (const r of due) {
        const result = await transition(
          r.id,
          ['pending-approval'],
          'expired',
          'bot',
          'approval window passed',
        );
        if (result.ok) moved.push(result.request);
      }
      return moved;
    },
  };
};
