import { type Static, Type } from '@sinclair/typebox';
import { AbsolutePath, Credentials, header, Name, SlackId, Strict, Timezone } from './common.js';

export const Weekday = Type.Union(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => Type.Literal(d)),
  { description: 'Day of the week.' },
);

export const Environment = Type.Union(
  ['office', 'grocery', 'hospitality', 'datacenter', 'lab'].map((e) => Type.Literal(e)),
  { description: 'Kind of site.' },
);

export const NasTarget = Strict({
  name: Name,
  repository: Type.String({
    minLength: 1,
    description:
      'Base restic repository URL: rest:, sftp:, s3:, b2:, rclone: or an absolute local path. Policies append their own path.',
  }),
  credentials: Credentials,
  capacityGiB: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  appendOnly: Type.Optional(Type.Boolean({ description: 'Backup credentials cannot delete data.' })),
});

export const OffsiteRemote = Strict({
  name: Name,
  remote: Type.String({
    pattern: '^[A-Za-z0-9_][A-Za-z0-9_. -]*$',
    description: 'rclone remote name (configured through RCLONE_CONFIG_<NAME>_* environment variables).',
  }),
  path: Type.String({ minLength: 1, description: 'Path inside the remote.' }),
  bwlimit: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?[KMGkmg]?$' })),
  envFrom: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }))),
});

export const MaintenanceWindow = Strict({
  name: Name,
  days: Type.Array(Weekday, { minItems: 1, uniqueItems: true }),
  start: Type.String({ pattern: '^[0-9]{2}:[0-9]{2}$', description: 'Local start time HH:MM.' }),
  end: Type.String({
    pattern: '^[0-9]{2}:[0-9]{2}$',
    description: 'Local end time HH:MM; earlier than start means the window crosses midnight.',
  }),
});

export const Contact = Strict({
  name: Type.String({ minLength: 1 }),
  role: Type.String({ minLength: 1 }),
  email: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  phone: Type.Optional(Type.String({ pattern: '^[+0-9 ()-]{5,}$' })),
  slack: Type.Optional(SlackId),
});

export const SiteSpec = Strict({
  timezone: Timezone,
  environment: Environment,
  address: Type.Optional(Type.String()),
  runner: Strict({
    labels: Type.Array(Type.String({ pattern: '^[A-Za-z0-9._-]+$' }), { minItems: 1, uniqueItems: true }),
    stateDir: Type.Optional(AbsolutePath),
    sandboxDir: Type.Optional(AbsolutePath),
  }),
  nas: Type.Array(NasTarget, { description: 'Restic repository hosts at or for this site.' }),
  offsite: Type.Optional(Type.Array(OffsiteRemote)),
  maintenanceWindows: Type.Optional(Type.Array(MaintenanceWindow)),
  access: Strict({
    approvers: Type.Array(SlackId, { uniqueItems: true }),
    requesters: Type.Array(SlackId, { uniqueItems: true }),
  }),
  contacts: Type.Optional(Type.Array(Contact)),
});

export const SiteSchema = header(
  'Site',
  SiteSpec,
  'A physical or logical site with its NAS targets, offsite remotes, windows and people.',
);
export type Site = Static<typeof SiteSchema>;
export type NasTarget = Static<typeof NasTarget>;
export type OffsiteRemote = Static<typeof OffsiteRemote>;
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;
