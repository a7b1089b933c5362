// What `lifeboat doctor` reports: one finding per thing checked, with how to fix what is not ok.

export type FindingStatus = 'ok' | 'warn' | 'fail';

export type FindingArea = 'tool' | 'repository' | 'remote' | 'space' | 'clock' | 'site';

export interface Finding {
  area: FindingArea;
  /** What was checked: `restic`, `lisle-nas/office-shares`, `state directory`, … */
  subject: string;
  status: FindingStatus;
  /** One line: what was found. Never a secret's value. */
  message: string;
  /** One line: what to do about it (not for `ok`). */
  fix?: string;
  /** Extra facts for machines: versions, features, bytes. */
  details?: Record<string, string | number | boolean | string[]>;
}

export interface DoctorReport {
  version: 1;
  site?: string;
  checkedAt: string;
  /** No finding failed. */
  ok: boolean;
  counts: Record<FindingStatus, number>;
  findings: Finding[];
}

export const finding = (
  area: FindingArea,
  subject: string,
  status: FindingStatus,
  message: string,
  extra: { fix?: string | undefined; details?: Finding['details'] } = {},
): Finding => ({
  area,
  subject,
  status,
  message,
  ...(extra.fix === undefined || status === 'ok' ? {} : { fix: extra.fix }),
  ...(extra.details === undefined ? {} : { details: extra.details }),
});

/** `set A and B in the runner's environment`, for variables named by the YAML. */
export const setVariables = (names: readonly string[]): string =>
  `set ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`} in the runner's environment (e.g. the runner service's .env file; never in the YAML)`;

/** The variables among `names` that are missing or empty in `env` (their values are never read out). */
export const missingVariables = (
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] => [...new Set(names)].filter((n) => (env[n] ?? '') === '');

/**
 * Tool messages can echo a setting they were given (rclone repeats an unknown backend type): every value
 * lifeboat passed from the environment is replaced before the message is shown. Very short values are left,
 * or every "a" in a message would vanish; those are no secrets worth the name.
 */
export const redact = (text: string, values: readonly string[]): string => {
  let out = text;
  for (const v of [...values].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length))
    out = out.split(v).join('***');
  return out;
};
