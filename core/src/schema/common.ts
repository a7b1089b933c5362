import { type TSchema, Type } from '@sinclair/typebox';

// Shared building blocks for every kind; patterns live here so all kinds agree on them.

export const API_VERSION = 'lifeboat/v1';

/** Object whose unknown keys are errors (additionalProperties: false). */
export const Strict = <T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: { description?: string; title?: string } = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

export const Name = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,62}$',
  description: 'Lower-case identifier: letters, digits and dashes, starting with a letter (max 63).',
});

/** A duration such as `30m`, `4h`, `1d`, `2w` or `1d12h`. */
export const Duration = Type.String({
  pattern: '^([0-9]+[wdhm])+$',
  description: 'Duration: digits followed by w, d, h or m, e.g. 30m, 4h, 1d, 2w, 1d12h.',
});

export const Cron = Type.String({
  minLength: 1,
  description: 'Five-field cron expression (minute hour day-of-month month day-of-week).',
});

export const Timezone = Type.String({
  minLength: 1,
  description: 'IANA time zone, e.g. America/Chicago.',
});

/** Name of an environment variable that holds a secret: the secret itself never lives in YAML. */
export const EnvVarName = Type.String({
  pattern: '^[A-Z_][A-Z0-9_]*$',
  description: 'Name of an environment variable (upper-case) holding the secret.',
});

/** A command as an argv array: no shell string, so nothing is interpolated. */
export const Argv = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  description: 'Command as an argument vector; the first item is the program. Never run through a shell.',
});

/** A relative path below a repository or store root: no `..` or `.` segments, no leading slash. */
export const RelativePath = Type.String({
  pattern: '^(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
  description: 'Relative path of letters, digits, dots, dashes and underscores; no "." or ".." segments.',
});

export const AbsolutePath = Type.String({
  pattern: '^/',
  minLength: 1,
  description: 'Absolute path.',
});

export const SlackId = Type.String({
  pattern: '^[UWS][A-Z0-9]{6,}$',
  description: 'Slack user (U…/W…) or user-group (S…) id.',
});

export const Labels = Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9./-]*$' }), Type.String(), {
  description: 'Free-form key/value labels.',
});

export const Metadata = Strict({
  name: Name,
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  labels: Type.Optional(Labels),
});

export const Credentials = Strict(
  {
    passwordEnv: Type.Optional(EnvVarName),
    passwordCommand: Type.Optional(Argv),
    envFrom: Type.Optional(
      Type.Array(EnvVarName, {
        description: 'Further environment variables the tool needs (e.g. AWS_ACCESS_KEY_ID), by name only.',
      }),
    ),
  },
  { description: 'Where the repository password comes from: an environment variable or a command.' },
);

export const Schedule = Strict({
  cron: Cron,
  timezone: Type.Optional(Timezone),
});

export const header = <K extends string, S extends TSchema>(kind: K, spec: S, description: string) =>
  Strict(
    {
      apiVersion: Type.Literal(API_VERSION),
      kind: Type.Literal<K>(kind),
      metadata: Metadata,
      spec,
    },
    { title: kind, description },
  );
