// The one help text, shown for `/restore help`, unknown sub-commands and bad text forms.

export const HELP_TEXT = [
  '*lifeboat* — restores from the backups, without knowing restic.',
  '• `/restore` — opens a short form: site → what → snapshot → paths → where → why.',
  '• `/restore <site> <policy|image> [snapshot] [/path …] [--in-place] -- reason` — the same in one line;',
  '   snapshot is `latest` (default) or an id from the form; no paths = the whole snapshot.',
  '• `/restore history` — your recent requests and what happened to them.',
  '• `/backup status [site]` — last backups against their RPO, and whether site runners are online.',
  '• `/drill <policy>` — restore the latest snapshot into the sandbox and verify it.',
  'Restores go to the policy’s alternate target unless you say `--in-place` (always needs an approval).',
].join('\n');
