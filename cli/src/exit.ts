// One meaning per exit code, shared by every subcommand.
export const EXIT = {
  /** Clean: nothing to report, or warnings only. */
  ok: 0,
  /** Problems were found in the data. */
  problems: 1,
  /** Usage error or internal error. */
  usage: 2,
} as const;

/** A failure the user can fix (bad flag, missing file): printed as one line, exit 2, no stack trace. */
export class UsageError extends Error {}
