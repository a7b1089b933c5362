// rclone's exit status + stderr → a lifeboat outcome. Exit codes (lib/exitcode): 0 ok, 1/2 usage or
// uncategorised (swapped in 1.69), 3 directory not found, 4 file not found, 5 temporary, 6 less serious,
// 7 fatal, 8 transfer limit, 9 nothing transferred (--error-on-no-transfer only), 10 duration limit (1.64+).
// `check` exits 1 on differences; an auth failure is only visible in stderr.
import { quote } from '@lifeboat/core';
import type { Outcome, ToolError } from '../result.js';
import type { RcloneCode } from './codes.js';
import { errorSummary, parseCheck } from './parse.js';

export type RcloneCommand = 'sync' | 'check' | 'size' | 'lsjson' | 'version' | 'obscure';

export interface RcloneExit {
  command: RcloneCommand;
  exitCode: number | undefined;
  stderr: string;
  cancelled?: boolean;
  timedOut?: boolean;
  spawnFailed?: boolean;
}

export interface RcloneOutcome {
  outcome: Outcome;
  error?: ToolError & { code: RcloneCode };
}

const AUTH = [
  /\b401 Unauthorized\b/,
  /\b403 Forbidden\b/,
  /\bAccessDenied\b/,
  /\bInvalidAccessKeyId\b/,
  /\bSignatureDoesNotMatch\b/,
  /ssh: unable to authenticate/,
  /\binvalid_grant\b/,
  /\bauthentication failed\b/i,
];

const USAGE = /^(Error: unknown (flag|shorthand flag|command)|Error: (accepts|requires) |Usage:)/m;

const BY_EXIT: Readonly<Record<number, { outcome: Outcome; code: RcloneCode }>> = {
  3: { outcome: 'failed', code: 'rclone.directory-not-found' },
  4: { outcome: 'failed', code: 'rclone.file-not-found' },
  5: { outcome: 'failed', code: 'rclone.temporary-error' },
  6: { outcome: 'partial', code: 'rclone.less-serious-error' },
  7: { outcome: 'failed', code: 'rclone.fatal' },
  8: { outcome: 'partial', code: 'rclone.transfer-limit' },
  10: { outcome: 'partial', code: 'rclone.duration-limit' },
};

const oneLine = (text: string, max = 300): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  // URLs with user:password@ would put a secret into records and Slack.
  const safe = line.replace(/\/\/[^/@\s:]+:[^/@\s]+@/g, '//***@');
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
};

export const rcloneOutcome = (run: RcloneExit): RcloneOutcome => {
  const fail = (code: RcloneCode, message: string, outcome: Outcome = 'failed'): RcloneOutcome => ({
    outcome,
    error: { code, message: oneLine(message) },
  });
  const said = errorSummary(run.stderr);
  if (run.cancelled) return fail('rclone.cancelled', `rclone ${run.command} was cancelled`, 'cancelled');
  if (run.timedOut) return fail('rclone.timeout', `rclone ${run.command} timed out`);
  if (run.spawnFailed) return fail('rclone.not-installed', 'rclone could not be started (is it installed?)');
  // 9 only comes with --error-on-no-transfer, which lifeboat never passes: nothing to copy is success.
  if (run.exitCode === 0 || run.exitCode === 9) return { outcome: 'ok' };
  const detail = said ?? `rclone ${run.command} exited ${run.exitCode ?? 'without a status'}`;
  if (AUTH.some((re) => re.test(run.stderr))) return fail('rclone.auth', detail, 'auth');
  if (/didn't find section in config file/.test(run.stderr)) return fail('rclone.remote-unknown', detail);
  const known = run.exitCode === undefined ? undefined : BY_EXIT[run.exitCode];
  if (known) return fail(known.code, detail, known.outcome);
  if (run.exitCode === 1 || run.exitCode === 2) {
    if (USAGE.test(run.stderr)) return fail('rclone.usage', detail);
    if (run.command === 'check') {
      const report = parseCheck(run.stderr);
      if (report.differences !== undefined && report.differences > 0) {
        const named = report.items
          .slice(0, 3)
          .map((i) => `${quote(i.path)} (${i.problem})`)
          .join(', ');
        return fail(
          'rclone.differences',
          `${report.differences} difference${report.differences === 1 ? '' : 's'} found${named ? `: ${named}` : ''}${report.items.length > 3 ? ', …' : ''}`,
        );
      }
    }
  }
  return fail('rclone.failed', detail);
};
