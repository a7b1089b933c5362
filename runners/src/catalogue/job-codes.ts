// Codes the restic/rclone jobs themselves put into run records (refusals before or checks after a tool ran);
// the tools' own failures keep the adapters' codes (restic.*, rclone.*).
import type { CatalogueEntry } from '@lifeboat/core';

export const JOB_CODES = {
  'job.wrong-kind': {
    title: 'Planned job given to the wrong job',
    cause:
      'The scheduler handed a planned job of one kind (e.g. a prune) to the code of another (e.g. backup): a programming error in lifeboat.',
    fix: 'Report the run record with the lifeboat version; nothing was run.',
  },
  'job.not-due': {
    title: 'Job not due',
    cause:
      'The job was started although the plan says it is not due (waiting for its schedule, a window or a retry delay); it was not started.',
    fix: 'Nothing: it runs when due. To run it now, request it explicitly: `lifeboat run --site <site> --job <job> --policy <name>`.',
  },
  'job.window-closed': {
    title: 'Maintenance window closed',
    cause:
      'A heavy job (prune, check with data, image capture) was due, but its maintenance window closed while earlier jobs ran.',
    fix: 'Nothing: it waits for the next window. If it keeps missing it, widen the window in the site YAML (spec.maintenanceWindows) or move other jobs out of it.',
  },
  'job.no-subject': {
    title: 'Job names no policy',
    cause: 'The requested or planned job has no policy as its subject.',
    fix: 'Name the policy: `lifeboat run --site <site> --job <job> --policy <name>`.',
  },
  'job.wrong-subject': {
    title: 'Job given the wrong kind of subject',
    cause:
      'A restic job (backup, restore, drill, …) was asked to work on an image, or an image job on a policy.',
    fix: 'Use `--policy` for file backups and `--image` for disk images; image restores and drills are run by the image jobs.',
  },
  'job.unknown-policy': {
    title: 'Policy not in the inventory',
    cause:
      'The job names a policy that the inventory on this runner does not declare (a typo, or the change adding it is not merged or not pulled yet).',
    fix: 'Check the name with `ls policies/`; merge the pull request and let the runner update its checkout.',
  },
  'job.wrong-site': {
    title: 'Policy belongs to another site',
    cause:
      "The policy's spec.site names another site than the runner's; its repository is not reachable here.",
    fix: 'Run the job on the runner of the site the policy names (`lifeboat run --site <that site>`), or fix spec.site.',
  },
  'credentials.missing': {
    title: 'Credentials not set on this runner',
    cause:
      'An environment variable named by the YAML (passwordEnv, envFrom of a NAS target, offsite remote or hook) is unset or empty, or a NAS target names neither passwordEnv nor passwordCommand.',
    fix: "Set the variable named in the message in the runner's environment (the runner service's .env file or the workflow's secrets), never in YAML; `lifeboat doctor --site <site>` lists every missing one.",
  },
  'credentials.ambiguous': {
    title: 'Two password sources',
    cause:
      'A NAS target names both passwordEnv and passwordCommand; lifeboat will not guess which one is right.',
    fix: "Keep exactly one of credentials.passwordEnv and credentials.passwordCommand in the site's NAS target.",
  },
  'credentials.bad-command': {
    title: 'passwordCommand cannot be passed to restic',
    cause:
      'passwordCommand is empty, has an empty argument, or an argument with a backslash or both quote characters, which restic splits wrongly in RESTIC_PASSWORD_COMMAND.',
    fix: 'Simplify the command (e.g. wrap it in a small script without such arguments) and name that script in passwordCommand.',
  },
  'repository.bad-path': {
    title: 'Repository path not plain',
    cause: 'The policy\'s repository.path is empty or holds "." or ".." segments.',
    fix: 'Use a plain relative path such as `finance/share` in spec.repository.path.',
  },
  'repository.unsupported-url': {
    title: 'Repository location not supported',
    cause:
      "The NAS target's repository is neither an absolute path nor a rest:, sftp:, s3:, b2:, gs:, azure:, swift: or rclone: URL, has a query or fragment, or a rest: URL that is not http(s).",
    fix: 'Fix spec.nas[].repository in the site YAML, e.g. `/mnt/nas/restic` or `rest:https://nas.example:8000/`; put credentials in envFrom variables, not in the URL.',
  },
  'repository.target-missing': {
    title: 'NAS target not declared',
    cause: "The policy's repository.target names a NAS target the site does not declare.",
    fix: 'Add the target to spec.nas of the site, or fix spec.repository.target in the policy (`lifeboat validate` catches this before merge).',
  },
  'repository.vanished': {
    title: 'Repository vanished',
    cause:
      'The repository is missing, but the ledger shows backups to it before: the NAS share is unmounted, moved or lost. lifeboat will not create an empty repository over it.',
    fix: 'Mount the NAS share or restore the repository from the offsite copy (`rclone copy` back from the remote), then run again. Only if the loss is accepted, run `restic init` by hand.',
  },
  'hook.bad-timeout': {
    title: 'Hook timeout is not a duration',
    cause: "The hook's timeout is not a duration lifeboat understands, or is zero.",
    fix: 'Write the timeout as a duration such as `90s`, `5m` or `1h` in the policy hook.',
  },
  'hook.not-found': {
    title: 'Hook could not be started',
    cause:
      'The hook command does not exist on the runner or is not executable (or its workingDir does not exist).',
    fix: 'Install the script at the path in the hook command, `chmod +x` it, and check workingDir.',
  },
  'hook.failed': {
    title: 'Hook failed',
    cause:
      'The hook command exited non-zero (its last output line is in the message), or the hook has no command. A failed pre-backup hook stops the backup.',
    fix: "Run the hook by hand as the runner's user with the same environment (LIFEBOAT_HOOK=pre or post) and fix what it reports.",
  },
  'hook.timeout': {
    title: 'Hook timed out',
    cause: 'The hook ran past its timeout (or the runner-wide cap) and was stopped.',
    fix: "Find why the hook hangs (a database dump waiting on a lock?), or raise the hook's timeout in the policy.",
  },
  'hook.cancelled': {
    title: 'Hook cancelled',
    cause: 'The run was cancelled while the hook ran.',
    fix: 'Nothing: the job is due again on the next tick. Check that the hook leaves no half-done state (e.g. a paused service).',
  },
  'forget.scope-violated': {
    title: 'Forget selected snapshots outside the policy',
    cause:
      "restic's forget selected a snapshot without the policy's tag or of another host: the retention would have applied to another machine's backups. The result is reported as failed.",
    fix: 'Check `restic snapshots` for snapshots tagged wrongly; scope the policy by spec.host and keep the policy tag on its snapshots. Report it if the tags are right.',
  },
  'restore.bad-path': {
    title: 'Restore path not absolute',
    cause: 'A path asked for in the restore is not an absolute path.',
    fix: 'Give absolute paths as they appear in the backup sources, e.g. `/srv/finance/2024/report.xlsx`.',
  },
  'restore.path-outside-sources': {
    title: 'Restore path outside the policy',
    cause: "A path asked for is not inside the policy's sources, so no snapshot of this policy holds it.",
    fix: "Pick a path under one of the policy's spec.sources.paths, or the policy that backs that path up.",
  },
  'restore.in-place-not-allowed': {
    title: 'In-place restore not allowed',
    cause: 'The request asked to restore over the original files, but the policy does not allow it.',
    fix: 'Restore to the alternate target (the default) and copy the files back, or set spec.restore.allowInPlace: true in the policy through a pull request.',
  },
  'restore.no-alternate-target': {
    title: 'No alternate restore target',
    cause: 'The policy declares no restore.alternateTarget, so there is nowhere safe to restore into.',
    fix: 'Add spec.restore.alternateTarget (an absolute directory on the runner with room) to the policy.',
  },
  'restore.paths-not-in-snapshot': {
    title: 'Requested paths not in the snapshot',
    cause: 'None of the requested paths exists in the chosen snapshot; nothing was restored.',
    fix: 'List the snapshot (`restic ls <id>`) and check the spelling, or choose an older snapshot that still held the files.',
  },
  'restore.no-space': {
    title: 'Not enough space for the restore',
    cause:
      "The target's filesystem has less free space than the restore needs (plus a margin); nothing was restored.",
    fix: 'Free space on the target filesystem, restore fewer paths, or point spec.restore.alternateTarget (for drills spec.drill.sandbox) at a larger filesystem.',
  },
  'restore.target-unusable': {
    title: 'Restore target unusable',
    cause:
      'The restore directory could not be created or its free space read (permissions, read-only or missing mount).',
    fix: "Check that the alternate target's parent exists, is mounted and writable by the runner's user.",
  },
  'drill.empty-snapshot': {
    title: 'Nothing to sample in the snapshot',
    cause:
      'A sample drill found no regular file in the latest snapshot: the backup is empty or holds only directories.',
    fix: "Check the policy's sources (was the share mounted at backup time?) and the last backup's file count; run a backup, then the drill again.",
  },
  'drill.sandbox-unusable': {
    title: 'Drill sandbox unusable',
    cause: "The drill's sandbox directory could not be created (permissions, read-only or missing mount).",
    fix: "Make the drill sandbox directory's parent exist and be writable by the runner's user, or point spec.drill.sandbox of the policy (or spec.runner.sandboxDir of the site) at one that is.",
  },
  'drill.sample-mismatch': {
    title: 'Sampled files differ after restore',
    cause: "Files restored by the sample drill differ in size or content from the snapshot's record of them.",
    fix: 'Run a repository check (`lifeboat run --site <site> --job check --policy <name>`); do not prune until it passes, then back up again.',
  },
  'drill.size-mismatch': {
    title: 'Full restore incomplete',
    cause: 'A full-restore drill restored fewer files or bytes than the snapshot holds.',
    fix: 'Check free space and I/O errors in the sandbox, then run a repository check (`lifeboat run --site <site> --job check --policy <name>`); repeat the drill.',
  },
  'sync.unsupported-backend': {
    title: 'Repository cannot be copied offsite',
    cause:
      'rclone can only copy a repository it can read as files: a local path, an rclone: remote, or a rest: server whose backing directory is mounted on this runner.',
    fix: "For a rest: NAS target set LIFEBOAT_NAS_<TARGET>_DIR (named in the message) on the runner to the directory that server serves, as an absolute path; for s3:/b2:/… use the provider's replication.",
  },
  'sync.remote-missing': {
    title: 'Offsite remote not declared',
    cause:
      "The sync names an offsite remote the site does not declare, or the remote's path is not usable by rclone.",
    fix: "Add the remote to spec.offsite of the site (name, remote, path), or fix the policy's offsite reference.",
  },
  'sync.remote-unconfigured': {
    title: 'rclone remote not configured',
    cause:
      'rclone runs without a config file, so a remote exists only through RCLONE_CONFIG_<NAME>_TYPE and its other settings, which are not listed in envFrom.',
    fix: "List RCLONE_CONFIG_<NAME>_TYPE and the remote's other RCLONE_CONFIG_<NAME>_* variables in the offsite remote's envFrom and set them on the runner.",
  },
  'sync.source-not-repository': {
    title: 'Sync source is not a restic repository',
    cause:
      'The source directory is missing or holds no restic config file (an unmounted NAS?): syncing it would wipe the offsite copy, so nothing was synced.',
    fix: 'Mount the NAS share (check with `ls <path>/config`) and run the sync again; if the repository is new, run a backup first.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type JobCode = keyof typeof JOB_CODES;
