// rclone's error codes with cause and fix: outcomes point here, the docs' troubleshooting pages list them.
import type { CatalogueEntry } from '@lifeboat/core';

export const RCLONE_CODES = {
  'rclone.invalid-argument': {
    title: 'Invalid rclone argument',
    cause: 'A path, remote name, setting or limit given to lifeboat is not one it will pass to rclone.',
    fix: 'Use "remote:path", ":local:/absolute/path" or an absolute path, and rates such as "10M".',
  },
  'rclone.not-installed': {
    title: 'rclone not found',
    cause: 'The rclone binary could not be started on this runner.',
    fix: 'Install rclone (Debian: apt-get install rclone) or set the binary path.',
  },
  'rclone.usage': {
    title: 'rclone rejected its arguments',
    cause: 'rclone reported a syntax or usage error, usually a flag this rclone version does not know.',
    fix: 'Check `rclone version` against the flags lifeboat used; upgrade rclone if it is older than needed.',
  },
  'rclone.differences': {
    title: 'Source and destination differ',
    cause: '`rclone check` found files missing or different between source and destination.',
    fix: 'Run the offsite sync again, then check; if differences persist, look at the listed files.',
  },
  'rclone.directory-not-found': {
    title: 'Directory not found',
    cause: 'rclone exited 3: the source or destination directory does not exist.',
    fix: 'Check the path and that the remote is mounted or reachable.',
  },
  'rclone.file-not-found': {
    title: 'File not found',
    cause: 'rclone exited 4: a source or destination file does not exist.',
    fix: 'Check the path; a file may have been removed while rclone ran.',
  },
  'rclone.temporary-error': {
    title: 'Temporary error',
    cause: 'rclone exited 5: a temporary error (network, rate limit) remained after its retries.',
    fix: 'Run again later; lifeboat retries on the next tick.',
  },
  'rclone.less-serious-error': {
    title: 'Some operations failed',
    cause: 'rclone exited 6: errors that retrying will not fix, for some files; the rest was transferred.',
    fix: 'Read the listed errors (permissions, invalid names), fix them and run again.',
  },
  'rclone.fatal': {
    title: 'Fatal error',
    cause: 'rclone exited 7: an error that retries cannot fix (account suspended, quota, bad configuration).',
    fix: 'Read the message and fix the remote or account.',
  },
  'rclone.transfer-limit': {
    title: 'Transfer limit reached',
    cause: 'rclone exited 8: the --max-transfer limit was reached; the copy is incomplete.',
    fix: 'Run again (it continues) or raise the limit.',
  },
  'rclone.duration-limit': {
    title: 'Duration limit reached',
    cause: 'rclone exited 10 (1.64+): the --max-duration limit was reached; the copy is incomplete.',
    fix: 'Run again (it continues) or raise the limit.',
  },
  'rclone.auth': {
    title: 'Remote refused the credentials',
    cause: 'The remote answered 401/403 or refused to authenticate: wrong or expired credentials.',
    fix: 'Renew the credentials in the RCLONE_CONFIG_<NAME>_* secrets of the runner.',
  },
  'rclone.remote-unknown': {
    title: 'Remote not configured',
    cause: 'rclone knows no remote of that name: no RCLONE_CONFIG_<NAME>_TYPE variable is set.',
    fix: 'Define the remote through RCLONE_CONFIG_<NAME>_* variables on the runner.',
  },
  'rclone.failed': {
    title: 'rclone failed',
    cause: 'rclone exited with an error lifeboat has no more specific code for.',
    fix: 'Read the message; run the same rclone command by hand with -vv to see more.',
  },
  'rclone.timeout': {
    title: 'rclone timed out',
    cause: 'rclone ran longer than the job allows and was stopped.',
    fix: 'Raise the timeout, or sync less per run (filters, --max-transfer).',
  },
  'rclone.cancelled': {
    title: 'rclone cancelled',
    cause: 'The run was cancelled while rclone ran; the destination may hold partial files.',
    fix: 'Run again: sync converges, then check.',
  },
  'rclone.unparseable-output': {
    title: 'Unreadable rclone output',
    cause: 'rclone exited 0 but printed something lifeboat could not read as the expected JSON.',
    fix: 'Check the rclone version; report it if it is a supported one.',
  },
  'rclone.output-too-large': {
    title: 'rclone answer too large to read',
    cause:
      'rclone printed more than 64 MiB for a command whose whole output is parsed (lsjson of a huge tree); lifeboat keeps only its first and last MiB.',
    fix: 'List a narrower path, or use `rclone size` / `rclone check` instead of a full listing.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type RcloneCode = keyof typeof RCLONE_CODES;
