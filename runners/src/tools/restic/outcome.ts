// Turns restic's exit code and stderr into an Outcome and a catalogue code. restic 0.14 exits 1 for a
// missing repository, a wrong password and a lock conflict alike, so stderr decides there; 0.17+ has codes.

import { type CatalogueEntry, quote } from '@lifeboat/core';
import type { Outcome, ToolError } from '../result.js';
import { redactRepository } from './args.js';
import { parseExitError, stripAnsi } from './parse.js';
import type { ResticFeatures } from './version.js';

export const CODES: Readonly<Record<string, CatalogueEntry>> = {
  'restic.not-installed': {
    title: 'restic is not installed',
    cause: 'The restic binary could not be started (not on PATH, or not executable).',
    fix: 'Install restic on the runner (`apt-get install restic`) or set the binary path; `lifeboat doctor` checks it.',
  },
  'restic.version-unknown': {
    title: 'restic version not recognised',
    cause: '`restic version` did not print a line such as `restic 0.14.0 compiled with …`.',
    fix: 'Check that the configured binary is restic itself and not a wrapper script that prints something else.',
  },
  'restic.no-password': {
    title: 'No repository password source',
    cause:
      'None (or more than one) of RESTIC_PASSWORD, RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND was given.',
    fix: 'Provide exactly one password source through the runner’s secrets; never put the password in YAML or argv.',
  },
  'restic.wrong-password': {
    title: 'Wrong repository password',
    cause: 'restic could not open any key of the repository with the password it was given.',
    fix: 'Check the secret behind the password source for this repository (and that it points at the right repository).',
  },
  'restic.backend-auth': {
    title: 'Repository server refused the credentials',
    cause:
      'The REST/S3 server answered 401 Unauthorized: the user/password in the URL or the backend keys are wrong.',
    fix: 'Check the backend credentials in the runner’s secrets (they are separate from the repository password).',
  },
  'restic.forbidden': {
    title: 'Repository server refused the operation',
    cause:
      'The server answered 403 Forbidden, e.g. an append-only REST server refusing a delete (forget/prune).',
    fix: 'Run forget and prune with credentials that may delete, on the server side or through a non-append-only endpoint.',
  },
  'restic.repository-missing': {
    title: 'Repository does not exist',
    cause: 'There is no restic repository (no `config` file) at the location.',
    fix: 'Check the repository URL; initialise it once with `restic init` if it is new.',
  },
  'restic.repository-exists': {
    title: 'Repository already initialised',
    cause: '`init` found a `config` file at the location: a repository is already there.',
    fix: 'Nothing to do if it is the intended repository; never re-initialise over existing backups.',
  },
  'restic.unreachable': {
    title: 'Repository unreachable',
    cause: 'restic could not connect to the repository’s server (connection refused, DNS, timeout).',
    fix: 'Check that the REST/S3/SFTP server is up and reachable from the runner, then run again.',
  },
  'restic.locked': {
    title: 'Repository locked',
    cause: 'Another restic process holds a lock that conflicts with this operation; retries ran out.',
    fix: 'Wait for the other operation to finish. A lock of a dead process becomes stale after 30 minutes; `restic unlock` removes only stale locks.',
  },
  'restic.source-missing': {
    title: 'Backup source path missing',
    cause:
      'A source path of the backup does not exist; restic 0.14 would silently back up the rest and exit 0.',
    fix: 'Fix the path in the policy, or mount/create the source before the backup (a pre-backup hook).',
  },
  'restic.source-unreadable': {
    title: 'Some source files unreadable',
    cause:
      'restic created the snapshot but could not read some files (exit 3), typically permissions or files vanishing.',
    fix: 'Check the listed files’ permissions or exclude them; the snapshot holds everything else.',
  },
  'restic.snapshot-not-found': {
    title: 'Snapshot not found',
    cause: 'No snapshot matches the given id (or, for `latest`, the host/path/tag filters).',
    fix: 'List snapshots with `lifeboat` or `restic snapshots` and use an existing id.',
  },
  'restic.check-errors': {
    title: 'Repository check found errors',
    cause:
      '`restic check` reported damaged or missing data (e.g. a pack whose content no longer matches its id).',
    fix: 'Do not prune. Follow restic’s troubleshooting guide (repair index/packs/snapshots) and back up again.',
  },
  'restic.restore-errors': {
    title: 'Restore had errors',
    cause: 'restic could not write some files into the restore target.',
    fix: 'Check the listed files, the target’s permissions and that nothing blocks the target path.',
  },
  'restic.verify-failed': {
    title: 'Restored files failed verification',
    cause: '`restore --verify` re-read the restored files and found content that differs from the snapshot.',
    fix: 'Check the target disk; restore again to another target and run a repository check.',
  },
  'restic.no-space': {
    title: 'No space left on the target',
    cause: 'The restore target (or restic’s cache) ran out of space.',
    fix: 'Free space or restore to a target with enough room (`stats` shows the restore size).',
  },
  'restic.output-unparsable': {
    title: 'restic output not understood',
    cause: 'restic exited 0 but did not print the expected JSON (a different version or a wrapper?).',
    fix: 'Run the command by hand with --json and report the output; check `restic version`.',
  },
  'restic.output-too-large': {
    title: 'restic answer too large to read',
    cause:
      'restic printed more than 64 MiB for a command whose whole output is parsed (e.g. `snapshots --json` of a huge repository); lifeboat keeps only its first and last MiB.',
    fix: 'Narrow the command (a host, tag or path filter), or forget old snapshots so the listing shrinks.',
  },
  'restic.bad-option': {
    title: 'Invalid restic option',
    cause:
      'An option value was refused before running restic (empty, relative path, control character, bad format).',
    fix: 'Correct the value named in the message.',
  },
  'restic.forget-no-rule': {
    title: 'Forget without a keep rule',
    cause: 'A forget with no keep rule would remove every selected snapshot.',
    fix: 'Give the policy at least one keep rule (last, daily, weekly, …, within).',
  },
  'restic.forget-unscoped': {
    title: 'Forget not scoped on a shared repository',
    cause:
      'The repository is shared, and a forget without --host/--tag would apply this retention to other machines’ snapshots.',
    fix: 'Scope the policy’s forget by host or tag.',
  },
  'restic.unsupported': {
    title: 'Not supported by this restic',
    cause: 'The option needs a newer restic than the one installed.',
    fix: 'Upgrade restic, or run without the option.',
  },
  'restic.runtime-error': {
    title: 'restic crashed',
    cause: 'restic exited 2: a Go runtime error (panic, out of memory).',
    fix: 'Check memory on the runner and restic’s stderr; report the panic upstream if it repeats.',
  },
  'restic.timeout': {
    title: 'restic timed out',
    cause: 'The command ran longer than its time limit and was stopped.',
    fix: 'Raise the job’s timeout or check why the repository is slow.',
  },
  'restic.killed': {
    title: 'restic was killed',
    cause: 'restic ended by a signal it did not handle (e.g. SIGKILL by the OOM killer).',
    fix: 'Check the system log for the OOM killer; run again.',
  },
  'restic.cancelled': {
    title: 'Cancelled',
    cause: 'The run was cancelled (SIGINT, or lifeboat aborted it).',
    fix: 'Run it again when wanted; a cancelled backup leaves no snapshot but no damage either.',
  },
  'restic.failed': {
    title: 'restic failed',
    cause: 'restic exited 1; the message shows restic’s own error.',
    fix: 'Read the message; run the command by hand for details.',
  },
  'restic.unknown-exit': {
    title: 'Unknown restic exit code',
    cause:
      'restic exited with a code lifeboat does not know (newer versions add codes); it counts as failure.',
    fix: 'Check restic’s documentation for the code and the message.',
  },
};

export interface ProcessEnd {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
  cancelled: boolean;
  timedOut: boolean;
  spawnFailed: boolean;
}

export interface Classified {
  outcome: Outcome;
  error?: ToolError;
}

const fail = (outcome: Outcome, code: string, message: string): Classified => ({
  outcome,
  error: { code, message },
});

/** The line of stderr that says what went wrong, credentials removed. */
export const stderrDetail = (stderr: string): string => {
  const exitError = parseExitError(stderr);
  if (exitError?.message) return redactRepository(exitError.message.trim());
  const all = stripAnsi(stderr)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const pick =
    all.find((l) => l.startsWith('Fatal:')) ??
    all.find((l) => /repository is already locked|wrong password/.test(l)) ??
    all.at(-1) ??
    '';
  return redactRepository(pick);
};

const withDetail = (summary: string, stderr: string): string => {
  const detail = stderrDetail(stderr);
  return detail === '' ? summary : `${summary}: ${quote(detail, 200)}`;
};

const LOCKED = /repository is already locked|unable to create lock in backend|failed to lock repository/;
const WRONG_PASSWORD = /wrong password or no key found|wrong password/;
const UNREACHABLE =
  /connection refused|dial tcp|no such host|i\/o timeout|network is unreachable|connection reset by peer|context deadline exceeded|TLS handshake/;
const MISSING = /Is there a repository at the following location\?|repository does not exist/;

/** Exit code + stderr → outcome. Knows 0.14 (everything is exit 1) and 0.17+ (10/11/12); unknown codes fail. */
export const classifyRestic = (end: ProcessEnd, features: ResticFeatures): Classified => {
  const { exitCode, stderr } = end;
  if (end.spawnFailed) return fail('failed', 'restic.not-installed', 'restic could not be started');
  // Before the SIGINT/130 check: lifeboat stops a timed-out restic with SIGINT too.
  if (end.timedOut) return fail('failed', 'restic.timeout', 'restic ran past its time limit and was stopped');
  if (end.cancelled || exitCode === 130 || end.signal === 'SIGINT') {
    return fail('cancelled', 'restic.cancelled', 'restic was cancelled');
  }
  if (exitCode === undefined) {
    return fail('failed', 'restic.killed', `restic ended by signal ${end.signal ?? 'unknown'}`);
  }
  if (exitCode === 0) return { outcome: 'ok' };
  if (exitCode === 3) {
    return fail(
      'partial',
      'restic.source-unreadable',
      withDetail('snapshot created, but some source files could not be read', stderr),
    );
  }
  if (features.exitCodes && exitCode === 10) {
    return fail('failed', 'restic.repository-missing', withDetail('no repository at this location', stderr));
  }
  if (features.exitCodes && exitCode === 11)
    return fail('locked', 'restic.locked', withDetail('repository is locked', stderr));
  if (features.wrongPasswordExitCode && exitCode === 12) {
    return fail('auth', 'restic.wrong-password', withDetail('wrong repository password', stderr));
  }
  if (exitCode === 2)
    return fail('failed', 'restic.runtime-error', withDetail('restic crashed (Go runtime error)', stderr));
  if (exitCode !== 1) {
    return fail(
      'failed',
      'restic.unknown-exit',
      withDetail(`restic exited with unknown code ${exitCode}`, stderr),
    );
  }
  // Exit 1: 0.14 collapses everything here; so does 0.17.0 for a wrong password.
  if (LOCKED.test(stderr)) return fail('locked', 'restic.locked', withDetail('repository is locked', stderr));
  if (WRONG_PASSWORD.test(stderr))
    return fail('auth', 'restic.wrong-password', withDetail('wrong repository password', stderr));
  if (/\(401\)|401 Unauthorized/.test(stderr)) {
    return fail(
      'auth',
      'restic.backend-auth',
      withDetail('repository server refused the credentials', stderr),
    );
  }
  if (/\(403\)|403 Forbidden/.test(stderr)) {
    return fail('failed', 'restic.forbidden', withDetail('repository server refused the operation', stderr));
  }
  // "Is there a repository…?" is also printed when the server is down: check the connection first.
  if (UNREACHABLE.test(stderr))
    return fail('failed', 'restic.unreachable', withDetail('repository unreachable', stderr));
  if (MISSING.test(stderr))
    return fail('failed', 'restic.repository-missing', withDetail('no repository at this location', stderr));
  if (/config file already exists/.test(stderr)) {
    return fail('failed', 'restic.repository-exists', withDetail('a repository already exists here', stderr));
  }
  if (/no matching ID found|no snapshot found/.test(stderr)) {
    return fail('failed', 'restic.snapshot-not-found', withDetail('snapshot not found', stderr));
  }
  if (/no space left on device/.test(stderr))
    return fail('failed', 'restic.no-space', withDetail('no space left', stderr));
  if (/repository contains errors/.test(stderr)) {
    return fail('failed', 'restic.check-errors', withDetail('repository check found errors', stderr));
  }
  return fail('failed', 'restic.failed', withDetail('restic failed', stderr));
};
