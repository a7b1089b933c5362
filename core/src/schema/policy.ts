import { type Static, Type } from '@sinclair/typebox';
import {
  AbsolutePath,
  Argv,
  Duration,
  EnvVarName,
  header,
  Name,
  RelativePath,
  Schedule,
  SlackId,
  Strict,
} from './common.js';
import { DataClass } from './data-class.js';

export const Hook = Strict({
  command: Argv,
  timeout: Duration,
  env: Type.Optional(
    Type.Array(EnvVarName, { description: 'Environment variables passed to the hook, by name.' }),
  ),
  workingDir: Type.Optional(AbsolutePath),
});

export const Retention = Strict(
  {
    keepLast: Type.Optional(Type.Integer({ minimum: 1 })),
    keepHourly: Type.Optional(Type.Integer({ minimum: 1 })),
    keepDaily: Type.Optional(Type.Integer({ minimum: 1 })),
    keepWeekly: Type.Optional(Type.Integer({ minimum: 1 })),
    keepMonthly: Type.Optional(Type.Integer({ minimum: 1 })),
    keepYearly: Type.Optional(Type.Integer({ minimum: 1 })),
    keepWithin: Type.Optional(Duration),
  },
  { description: 'restic forget rules; at least one must be set.' },
);

export const RETENTION_KEYS = [
  'keepLast',
  'keepHourly',
  'keepDaily',
  'keepWeekly',
  'keepMonthly',
  'keepYearly',
  'keepWithin',
] as const;

export const PolicySpec = Strict({
  site: Name,
  dataClass: DataClass,
  host: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'restic --host for this policy.' }),
  ),
  tags: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }), { uniqueItems: true }),
  ),
  sources: Strict({
    paths: Type.Array(AbsolutePath, { minItems: 1 }),
    exclude: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    oneFileSystem: Type.Optional(Type.Boolean()),
  }),
  hooks: Type.Optional(Strict({ pre: Type.Optional(Hook), post: Type.Optional(Hook) })),
  repository: Strict({
    target: Name,
    path: RelativePath,
  }),
  schedule: Schedule,
  retention: Retention,
  prune: Type.Optional(Strict({ schedule: Schedule, maxUnused: Type.Optional(Type.String()) })),
  check: Type.Optional(
    Strict({
      schedule: Schedule,
      subsets: Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'Rotate --read-data-subset n/subsets.',
      }),
      readAllWithinDays: Type.Integer({
        minimum: 1,
        description: 'Every pack must be read within this many days.',
      }),
    }),
  ),
  offsite: Type.Optional(
    Strict({
      remote: Name,
      schedule: Schedule,
    }),
  ),
  objectives: Type.Optional(
    Strict({
      rpo: Type.Optional(Duration),
      rto: Type.Optional(Duration),
    }),
  ),
  drill: Type.Optional(
    Strict({
      schedule: Schedule,
      kind: Type.Union([Type.Literal('sample'), Type.Literal('full')]),
      sampleFiles: Type.Optional(Type.Integer({ minimum: 1 })),
      sandbox: Type.Optional(AbsolutePath),
    }),
  ),
  restore: Type.Optional(
    Strict({
      approval: Type.Union([Type.Literal('required'), Type.Literal('in-place-only'), Type.Literal('none')]),
      approvers: Type.Optional(Type.Array(SlackId, { uniqueItems: true })),
      requesters: Type.Optional(Type.Array(SlackId, { uniqueItems: true })),
      alternateTarget: AbsolutePath,
      allowInPlace: Type.Optional(Type.Boolean()),
    }),
  ),
});

export const BackupPolicySchema = header(
  'BackupPolicy',
  PolicySpec,
  'What to back up, where, how often, how long to keep it, and how restores are proven.',
);
export type BackupPolicy = Static<typeof BackupPolicySchema>;
export type Retention = Static<typeof Retention>;
export type RetentionKey = (typeof RETENTION_KEYS)[number];
export type Hook = Static<typeof Hook>;
