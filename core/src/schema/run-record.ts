import { type Static, Type } from '@sinclair/typebox';
import { Name, SlackId, Strict } from './common.js';

// Written by runners, never by hand; the docs status page and reports read it.

/** Every way a job can end, in this order wherever they are listed (reports, metrics, CLI help). */
export const RUN_OUTCOMES = ['ok', 'partial', 'failed', 'locked', 'auth', 'cancelled'] as const;

export const Outcome = Type.Union(
  RUN_OUTCOMES.map((o) => Type.Literal(o)),
  { description: 'How the job ended.' },
);

/** Every job a runner records, in this order wherever they are listed. */
export const RUN_JOBS = [
  'backup',
  'forget',
  'prune',
  'check',
  'sync',
  'image-capture',
  'image-restore',
  'sd-write',
  'restore',
  'drill',
] as const;

export const JobKind = Type.Union(RUN_JOBS.map((k) => Type.Literal(k)));

const IsoTime = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$' });

export const RunRecordSchema = Strict(
  {
    apiVersion: Type.Literal('lifeboat/v1'),
    kind: Type.Literal('RunRecord'),
    id: Type.String({ pattern: '^[A-Za-z0-9._-]{8,128}$' }),
    job: JobKind,
    site: Name,
    policy: Type.Optional(Name),
    image: Type.Optional(Name),
    startedAt: IsoTime,
    endedAt: IsoTime,
    durationSeconds: Type.Number({ minimum: 0 }),
    tool: Strict({
      name: Type.String(),
      version: Type.String(),
      features: Type.Optional(Type.Array(Type.String())),
    }),
    outcome: Outcome,
    error: Type.Optional(Strict({ code: Type.String(), message: Type.String() })),
    stats: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()])),
    ),
    snapshotId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{8,64}$' })),
    verification: Type.Optional(
      Strict({
        passed: Type.Boolean(),
        method: Type.String(),
        details: Type.Optional(Type.String()),
      }),
    ),
    rto: Type.Optional(
      Strict({
        measuredSeconds: Type.Number({ minimum: 0 }),
        objectiveSeconds: Type.Number({ minimum: 0 }),
        met: Type.Boolean(),
      }),
    ),
    requester: Type.Optional(SlackId),
    approver: Type.Optional(SlackId),
    links: Type.Optional(
      Strict({ workflowRun: Type.Optional(Type.String()), slackThread: Type.Optional(Type.String()) }),
    ),
  },
  { title: 'RunRecord', description: 'One job run at a site, written atomically by the runner.' },
);
export type RunRecord = Static<typeof RunRecordSchema>;
export type Outcome = Static<typeof Outcome>;
