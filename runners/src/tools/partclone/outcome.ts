// partclone's exit status + stderr → a lifeboat outcome. partclone exits 0 or 1, and 0 can lie (it exits 0
// after printing its usage), so success also needs its "successfully" line.
import type { Outcome, ToolError } from '../result.js';
import type { PartcloneCode } from './codes.js';
import { failureReason, printedUsage, successLine } from './parse.js';

export interface PartcloneExit {
  exitCode: number | undefined;
  signal?: string | undefined;
  stderr: string;
  cancelled?: boolean;
  timedOut?: boolean;
  spawnFailed?: boolean;
}

export interface PartcloneOutcome {
  outcome: Outcome;
  error?: ToolError & { code: PartcloneCode };
}

const REASONS: readonly [RegExp, PartcloneCode][] = [
  [/is smaller than source/, 'partclone.target-too-small'],
  [/open .* error|Open .* fail|No such file or directory/i, 'partclone.source-unreadable'],
  [/superblock|bad magic|not a .* filesystem|unknown fat type/i, 'partclone.wrong-filesystem'],
  [/read ERROR/, 'partclone.image-truncated'],
];

const oneLine = (text: string, max = 300) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

export const partcloneOutcome = (run: PartcloneExit): PartcloneOutcome => {
  const fail = (code: PartcloneCode, message: string, outcome: Outcome = 'failed'): PartcloneOutcome => ({
    outcome,
    error: { code, message: oneLine(message) },
  });
  if (run.cancelled) return fail('partclone.cancelled', 'partclone was cancelled', 'cancelled');
  if (run.timedOut) return fail('partclone.timeout', 'partclone timed out');
  if (run.spawnFailed)
    return fail('partclone.not-installed', 'partclone could not be started (is it installed?)');
  if (printedUsage(run.stderr)) {
    const option =
      /invalid option -- '([^']+)'|unrecognized option '([^']+)'|Unknown checksum mode '([^']+)'/.exec(
        run.stderr,
      );
    const flag = option?.[1]
      ? `-${option[1]}`
      : option?.[2]
        ? option[2]
        : option?.[3]
          ? `-a${option[3]}`
          : undefined;
    const which = flag ? ` (${flag})` : '';
    return fail(
      'partclone.usage',
      `partclone printed its usage and did nothing${which}: an option this version does not know`,
    );
  }
  if (run.exitCode === 0) {
    return successLine(run.stderr)
      ? { outcome: 'ok' }
      : fail('partclone.no-success-line', 'partclone exited 0 without saying it succeeded');
  }
  const reason = failureReason(run.stderr);
  const status =
    run.exitCode === undefined ? `was killed by ${run.signal ?? 'a signal'}` : `exited ${run.exitCode}`;
  const message = reason ? `partclone ${status}: ${reason}` : `partclone ${status}`;
  const code = reason ? REASONS.find(([re]) => re.test(reason))?.[1] : undefined;
  return fail(code ?? 'partclone.failed', message);
};
