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

const firstLine = (message: string): string => message.split('\n')[0] ?? '';

/**
 * The one stderr line of a command that failed: a UsageError as is, anything else marked as an internal
 * error; `shown` makes the message safe to print (first line, escaped, redacted). Returns EXIT.usage.
 */
export const commandFailed = (
  command: string,
  err: unknown,
  shown: (message: string) => string = firstLine,
): number => {
  const message = err instanceof Error ? err.message : String(err);
  const prefix = err instanceof UsageError ? '' : 'internal error: ';
  process.stderr.write(`lifeboat ${command}: ${prefix}${shown(message)}\n`);
  return EXIT.usage;
};
