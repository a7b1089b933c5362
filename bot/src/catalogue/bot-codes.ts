import type { CatalogueEntry } from '@lifeboat/core';

// Every code the bot itself answers with (refusals, preflight, dispatch): the thread shows the fix from here.

export const BOT_CATALOGUE = {
  'authz.not-requester': {
    title: 'Not allowed to request restores here',
    cause:
      'Your Slack user is neither listed nor in a listed user group among the requesters of the site (spec.access.requesters) or of the policy (spec.restore.requesters, which replaces the site list when set).',
    fix: 'Ask an approver of the site to add you (or your user group) to the requesters in git; the change applies once merged.',
  },
  'authz.not-approver': {
    title: 'Not an approver',
    cause:
      'Your Slack user is not among the approvers of the policy (spec.restore.approvers) or, when the policy names none, of the site (spec.access.approvers).',
    fix: 'Leave the approval to one of the approvers named in the request message.',
  },
  'authz.self-approval': {
    title: 'You cannot approve your own request',
    cause: 'Four eyes: the person who asked for a restore never approves it, even when they are an approver.',
    fix: 'Ask another approver named in the request message.',
  },
  'authz.no-approvers': {
    title: 'Nobody can approve this',
    cause:
      'The restore needs an approval but the policy and the site list no approver other than you (or none at all).',
    fix: 'Add approvers to spec.access.approvers of the site or spec.restore.approvers of the policy in git.',
  },
  'authz.not-pending': {
    title: 'Request is no longer waiting for approval',
    cause:
      'The request was already approved, denied, expired or refused (a second click, or another approver was first).',
    fix: 'Nothing: the thread shows what happened to the request.',
  },
  'authz.no-restore-section': {
    title: 'Policy does not allow restore requests',
    cause: 'The policy has no spec.restore section, so it names no alternate target and no approval rule.',
    fix: 'Add spec.restore (approval, alternateTarget) to the policy in git.',
  },
  'draft.unknown-site': {
    title: 'Unknown site',
    cause: 'No site with that name is in the inventory (sites/).',
    fix: 'Pick one of the sites the bot lists; `/restore` without arguments opens the form.',
  },
  'draft.unknown-policy': {
    title: 'Unknown policy',
    cause: 'No backup policy with that name is in the inventory (policies/).',
    fix: 'Pick one of the policies the form lists for the site.',
  },
  'draft.unknown-image': {
    title: 'Unknown image',
    cause: 'No image with that name is in the inventory (images/).',
    fix: 'Pick one of the images the form lists for the site.',
  },
  'draft.wrong-site': {
    title: 'Policy or image belongs to another site',
    cause: 'The policy (spec.site) or image (spec.site) named is not one of the chosen site.',
    fix: 'Pick the site the policy or image belongs to, or a policy of this site.',
  },
  'draft.no-subject': {
    title: 'Nothing to restore named',
    cause:
      'A file restore needs a policy, an image restore an image, and a request names exactly one of them.',
    fix: 'Name the policy (files) or the image (disk), not both.',
  },
  'draft.bad-snapshot': {
    title: 'Not a snapshot id',
    cause: 'The snapshot must be `latest` or a restic snapshot id: 8 to 64 lower-case hex digits.',
    fix: 'Copy the id from `/restore` history or the snapshot list, or use `latest`.',
  },
  'draft.bad-version': {
    title: 'Image version cannot be chosen',
    cause:
      'An image restore restores the version the image YAML declares (spec.version), asked for as `latest`; older versions are restored at the device with the CLI.',
    fix: 'Use `latest`, or change spec.version in git first.',
  },
  'draft.bad-path': {
    title: 'Not a usable path',
    cause: 'Paths must be absolute (start with /), without control characters.',
    fix: 'Give the full path as it was on the machine that was backed up, e.g. /srv/shares/finance/q3.xlsx.',
  },
  'draft.path-outside-sources': {
    title: 'Path is not backed up by this policy',
    cause:
      "The path is not one of the policy's spec.sources.paths nor below one, so no snapshot of it can hold it.",
    fix: 'Pick the policy that backs the path up, or correct the path.',
  },
  'draft.too-many-paths': {
    title: 'Too many paths',
    cause: 'A request names at most 50 paths.',
    fix: 'Restore a common parent directory instead, or the whole snapshot.',
  },
  'draft.too-long': {
    title: 'Input too long',
    cause: 'A field is longer than the bot accepts (paths 1024 characters, reason 500, names 63).',
    fix: 'Shorten it.',
  },
  'draft.control-characters': {
    title: 'Invisible characters in the input',
    cause:
      'A field holds control or bidirectional-override characters, which can make text look different from what it is.',
    fix: 'Retype the text instead of pasting it.',
  },
  'draft.no-reason': {
    title: 'Reason missing',
    cause: 'Every restore request says why (it goes into the audit log).',
    fix: 'Add a short reason after `--` in the command, or in the form.',
  },
  'draft.in-place-not-allowed': {
    title: 'In-place restore not allowed',
    cause:
      'The policy does not set spec.restore.allowInPlace: true, so restores go to its alternate target only.',
    fix: 'Restore to the alternate target (the default) and copy what you need, or change the policy in git.',
  },
  'draft.in-place-image': {
    title: 'Images restore to the sandbox only',
    cause:
      'The bot never writes an image over a live device; it restores and verifies the image in the sandbox.',
    fix: 'Use `lifeboat` at the device for a device write.',
  },
  'request.expired': {
    title: 'Approval window passed',
    cause: 'Nobody approved the request within the approval window (LIFEBOAT approval TTL, default 4 h).',
    fix: 'Ask again with `/restore` and ping an approver.',
  },
  'rate.limited': {
    title: 'Too many requests',
    cause: 'You sent more requests in the last minute than the bot accepts per user.',
    fix: 'Wait the time the message gives and try again.',
  },
  'runner.offline': {
    title: 'Site runner offline',
    cause: "No self-hosted runner with all of the site's labels (spec.runner.labels) is online on GitHub.",
    fix: 'Check the runner machine at the site (power, network, the actions-runner service); `lifeboat doctor` on it says more.',
  },
  'runner.busy': {
    title: 'Site runner busy',
    cause: "Every online runner with the site's labels is running another job right now.",
    fix: "Try again when the current job ends; the runner's Actions tab shows what it is doing.",
  },
  'github.auth': {
    title: "GitHub refused the bot's token",
    cause:
      'GITHUB_TOKEN is missing, expired or lacks the actions:write and administration:read permissions on the repository.',
    fix: "Renew the token in the bot's environment with those permissions and restart the bot.",
  },
  'github.not-found': {
    title: 'Workflow or repository not found',
    cause:
      'GITHUB_REPOSITORY or the workflow file (restore.yml / drill.yml) does not exist, or the token cannot see it.',
    fix: 'Run `lifeboat workflows --write`, merge the workflows, and check GITHUB_REPOSITORY.',
  },
  'github.dispatch-failed': {
    title: 'Workflow dispatch failed',
    cause: 'GitHub refused or failed the workflow dispatch (an input it did not accept, or a GitHub outage).',
    fix: 'Check the message and GitHub status; the request can be asked again safely.',
  },
  'github.run-not-found': {
    title: 'Dispatched run not found',
    cause: 'The dispatch was accepted but no workflow run naming the request id appeared in time.',
    fix: "Look in the repository's Actions tab for a run named with the request id before asking again.",
  },
  'local.site-not-here': {
    title: 'Site not served by this bot',
    cause: 'The local dispatcher restores only on this machine, and the site is not in its inventory.',
    fix: "Use the GitHub dispatcher (LIFEBOAT_DISPATCHER=github) to reach the site's runner, or run the bot at the site.",
  },
  'local.repository-locked': {
    title: 'Repository busy on this machine',
    cause: 'Another lifeboat job (a backup, prune or restore) holds the repository lock.',
    fix: 'Try again when it ends; `lifeboat doctor` shows the holder.',
  },
  'local.refused': {
    title: 'The runner refused the request',
    cause:
      'The runner re-checks every request against the YAML (e.g. in place where the policy does not allow it, a missing approver) and refused this one; nothing ran.',
    fix: 'Read the reason in the thread; ask again within what the policy allows.',
  },
  'local.unsupported': {
    title: 'Not possible with the local dispatcher',
    cause:
      'The request needs something the local dispatcher cannot do here (e.g. an image without an image store).',
    fix: 'Use the GitHub dispatcher, or check the image definition.',
  },
  'dispatch.crashed': {
    title: 'Dispatch crashed',
    cause: 'The dispatcher threw an unexpected error: a programming error in lifeboat.',
    fix: 'Report the message with the lifeboat version; nothing was restored by this request.',
  },
  'records.unreachable': {
    title: 'Run records could not be fetched from GitHub',
    cause:
      "GitHub did not answer, refused the token, or the artifact's storage URL failed while the bot fetched a site's published run records (artifact lifeboat-records-<site>).",
    fix: 'Check that GITHUB_TOKEN can read Actions (actions: read) on the repository and that GitHub is reachable; the bot shows the records it already has meanwhile.',
  },
  'records.too-large': {
    title: 'Run records artifact too large',
    cause: 'The artifact is over the 32 MiB limit a records file should never reach; it was not read.',
    fix: 'Check the site workflow\'s "Publish the recent run records" step: it should upload one `lifeboat runs --since 8d --format json` file.',
  },
  'records.bad-zip': {
    title: 'Run records artifact refused',
    cause:
      'The artifact zip is damaged or not what a runner uploads: encrypted, zip64, more than one file, an unsafe name, sizes or CRC that do not match, or over the size limit.',
    fix: 'Let the next site run publish a fresh artifact; if it recurs, look at who uploads artifacts named lifeboat-records-<site>.',
  },
  'records.not-records': {
    title: 'Run records artifact holds no records document',
    cause:
      'The file in the artifact is not the JSON `lifeboat runs --format json` writes (version 1 with runs).',
    fix: "Check the site workflow's publish step; regenerate workflows with `lifeboat workflows --write`.",
  },
  'records.invalid': {
    title: 'Published run record is not valid',
    cause: 'One record in the artifact fails the RunRecord schema; it was skipped and the others were kept.',
    fix: "Update lifeboat on that site's runner so it writes records of the current schema.",
  },
  'records.foreign-site': {
    title: 'Published run record belongs to another site',
    cause:
      "A site's artifact carried a record naming a different site; a runner may speak only for its own site, so it was refused.",
    fix: "Check the runner's inventory and labels: a runner is serving the wrong site's workflow.",
  },
} as const satisfies Record<string, CatalogueEntry>;

export type BotCode = keyof typeof BOT_CATALOGUE;
