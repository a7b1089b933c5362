// A restore request's whole life in one record: what was asked, by whom, every decision, the dispatch and the result.

export type RequestKind = 'restore' | 'image-restore' | 'drill';

export type RequestState =
  | 'pending-approval'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'dispatched'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'refused';

export const REQUEST_STATES = [
  'pending-approval',
  'approved',
  'denied',
  'expired',
  'dispatched',
  'running',
  'succeeded',
  'failed',
  'refused',
] as const satisfies readonly RequestState[];

/** States a request never leaves. */
export const FINAL_STATES = [
  'denied',
  'expired',
  'succeeded',
  'failed',
  'refused',
] as const satisfies readonly RequestState[];

export type RestoreTargetMode = 'alternate' | 'in-place';

/** What the user asked for, before the store gives it an id. */
export interface RequestDraft {
  kind: RequestKind;
  site: string;
  policy?: string;
  image?: string;
  /** `latest` or an 8–64 lowercase hex snapshot id (image: a version). */
  snapshot: string;
  /** Absolute paths inside the policy's sources; empty = the whole snapshot. */
  paths: string[];
  target: RestoreTargetMode;
  reason: string;
}

export interface RequestHistoryEntry {
  at: string;
  state: RequestState;
  /** Slack user id, or `bot` / `runner` for the system. */
  actor: string;
  note: string;
}

export interface RequestDispatch {
  dispatcher: 'github' | 'local';
  runId?: string;
  runUrl?: string;
  at: string;
}

export interface RequestResult {
  outcome: 'ok' | 'partial' | 'failed' | 'locked' | 'auth' | 'cancelled';
  code?: string;
  summary: string;
  recordId?: string;
  durationSeconds?: number;
  bytes?: number;
}

export interface BotRequest extends RequestDraft {
  /** `rq_` + 16 base32 characters. */
  id: string;
  idempotencyKey: string;
  requester: string;
  channel: string;
  threadTs?: string;
  /** The ONE status message that is updated as the request moves. */
  messageTs?: string;
  createdAt: string;
  expiresAt?: string;
  state: RequestState;
  approver?: string;
  history: RequestHistoryEntry[];
  dispatch?: RequestDispatch;
  result?: RequestResult;
}

/** Everything `create` needs: the draft plus who/where, and the first state decided by authz. */
export interface NewRequest extends RequestDraft {
  requester: string;
  channel: string;
  threadTs?: string;
  messageTs?: string;
  /** `pending-approval` when approval is needed, else `approved` (or `refused`). */
  state: RequestState;
  expiresAt?: string;
  note?: string;
}

/** Fields a transition may set alongside the state. */
export type RequestPatch = Partial<
  Pick<BotRequest, 'approver' | 'threadTs' | 'messageTs' | 'dispatch' | 'result' | 'expiresAt'>
>;

export type TransitionResult =
  | { ok: true; request: BotRequest }
  | { ok: false; request: BotRequest | undefined; reason: string };

export interface RequestFilter {
  state?: RequestState | readonly RequestState[];
  requester?: string;
  site?: string;
  /** Only requests created at or after this ISO time. */
  since?: string;
}

export interface RequestStore {
  readonly dir: string;
  /** Same idempotency key → the same request, `created: false`. */
  create(input: NewRequest, idempotencyKey: string): Promise<{ request: BotRequest; created: boolean }>;
  get(id: string): Promise<BotRequest | undefined>;
  findByKey(idempotencyKey: string): Promise<BotRequest | undefined>;
  /** Atomic: applies only when the current state is one of `from`. */
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    actor: string,
    note: string,
    patch?: RequestPatch,
  ): Promise<TransitionResult>;
  /** Sets fields without changing state (e.g. the status message's ts). */
  update(id: string, patch: RequestPatch): Promise<BotRequest | undefined>;
  /** Newest first. */
  list(filter?: RequestFilter): Promise<BotRequest[]>;
  /** Moves pending approvals past their expiresAt to `expired`; returns those it moved. */
  expire(now: Date): Promise<BotRequest[]>;
}
