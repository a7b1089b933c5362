import { describeLocalIso } from './local-time.js';
import type {
  ChangedObject,
  FieldChange,
  ObjectRef,
  PlanResult,
  RepositoryLocation,
  RetentionChange,
  ScheduleCause,
  ScheduleChange,
  ScheduleState,
} from './types.js';

// The plan as one pull-request comment: destructive changes first and loud, every user string escaped, and
// always under GitHub's comment size limit.

/** GitHub refuses comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Budget in UTF-8 bytes (stricter than GitHub's character count); room is left for a sticky-comment marker. */
  maxBytes?: number;
  /** The retention preview from a site runner (`plan --snapshots`): rendered right after the destructive warning. */
  snapshots?: SnapshotPreviewView;
}

// What the renderer reads of the runners' retention preview (runners' RetentionPreview has this shape; validators
// cannot import runners, so the shape is stated here and the CLI, which joins the two, is type-checked against it).

export interface SnapshotPreviewSnapshot {
  id: string;
  shortId: string;
  time: string;
  host: string;
  paths: readonly string[];
  tags: readonly string[];
  /** restic's reasons for keeping it (old rules for a deleted snapshot, new rules for a newly kept one). */
  reasons: readonly string[];
}

/** Keep rules as restic takes them (`within` in restic's units). */
export interface SnapshotPreviewRules {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  within?: string;
}

export interface SnapshotPreviewPolicy {
  policy: string;
  file: string;
  status: 'previewed' | 'failed' | 'refused' | 'skipped';
  repository?: string;
  scope: { tag: string; host?: string };
  rulesBefore?: SnapshotPreviewRules;
  rulesAfter?: SnapshotPreviewRules;
  error?: { code: string; message: string; outcome?: string };
  note?: string;
  removed: readonly SnapshotPreviewSnapshot[];
  newlyKept: readonly SnapshotPreviewSnapshot[];
  removedAnyway: readonly SnapshotPreviewSnapshot[];
  keptByBoth: number;
  total: number;
}

export interface SnapshotPreviewView {
  site: string;
  resticVersion?: string;
  /** In the order to show them: destructive first. */
  policies: readonly SnapshotPreviewPolicy[];
}

const DEFAULT_MAX_BYTES = 60_000;
/** Kept free for the truncation note. */
const NOTE_RESERVE = 400;
/** Longest user string shown in one cell; the JSON plan has the rest. */
const MAX_VALUE_CHARS = 160;

// ---- escaping --------------------------------------------------------------------------------------------

// Control, zero-width, bidi-override and line-separator characters: shown as \uXXXX so nothing hides or reorders text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters made visible
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Every character that means something inline in GitHub Markdown (emphasis, code, links, images, HTML, entities,
// table cells, strikethrough, math). User strings never start a line, so block markers (#, -, +, 1.) cannot act.
const INLINE_SPECIAL = /[\\`*_[\]<>&!|~$]/g;

const visible = (text: string): string =>
  text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const clip = (text: string, max = MAX_VALUE_CHARS): string => {
  if (text.length <= max) return text;
  // Never split a surrogate pair: drop a dangling high surrogate.
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, max)) ? max - 1 : max;
  return `${text.slice(0, cut)}…`;
};

/**
 * Untrusted text for Markdown inline context (after other text on a line, or in a table cell): special characters
 * are backslash-escaped, so no emphasis, link, HTML tag, entity or table pipe survives, and line breaks are shown.
 */
export const escapeMarkdown = (text: string): string => visible(text).replace(INLINE_SPECIAL, '\\$&');

/** Untrusted text inside a raw HTML block (such as `<summary>`), where Markdown escapes do not apply. */
export const escapeHtml = (text: string): string =>
  visible(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A user string as code: `<code>` keeps @mentions and #references inert; escaping keeps the cell intact. */
const code = (text: string): string => `<code>${escapeMarkdown(clip(text))}</code>`;
const htmlCode = (text: string): string => `<code>${escapeHtml(clip(text))}</code>`;

const json = (value: unknown): string =>
  value === undefined ? '—' : code(JSON.stringify(value) ?? String(value));

// ---- size-capped writer ----------------------------------------------------------------------------------

/** Appends lines until the budget is spent; open HTML blocks are always closed and a note says what was left out. */
class CappedWriter {
  private readonly lines: string[] = [];
  private size = 0;
  private readonly closers: { text: string; opened: boolean }[] = [];
  private omitted = 0;

  constructor(private readonly maxBytes: number) {}

  private pendingCloseBytes(): number {
    return this.closers.reduce((n, c) => n + (c.opened ? Buffer.byteLength(c.text) + 1 : 0), 0);
  }

  /** Once a line did not fit, nothing more is written: callers may skip building lines. */
  get full(): boolean {
    return this.omitted > 0;
  }

  /** Count lines left out without building them. */
  skip(lines: number): void {
    this.omitted += lines;
  }

  line(text = ''): boolean {
    if (this.omitted > 0) {
      this.omitted++;
      return false;
    }
    const cost = Buffer.byteLength(text) + 1;
    if (this.size + cost + this.pendingCloseBytes() + NOTE_RESERVE > this.maxBytes) {
      this.omitted++;
      return false;
    }
    this.lines.push(text);
    this.size += cost;
    return true;
  }

  open(text: string, closer: string): void {
    this.closers.push({ text: closer, opened: this.line(text) });
  }

  close(): void {
    const closer = this.closers.pop();
    if (closer?.opened) {
      this.lines.push(closer.text);
      this.size += Buffer.byteLength(closer.text) + 1;
    }
  }

  finish(): string {
    while (this.closers.length > 0) this.close();
    if (this.omitted > 0) {
      this.lines.push(
        '',
        `> [!NOTE]\n> **Plan truncated:** about ${this.omitted} more lines did not fit in one comment. ` +
          'Run `lifeboat plan --format json` for the whole plan.',
      );
    }
    return `${this.lines.join('\n')}\n`;
  }
}

// ---- pieces ----------------------------------------------------------------------------------------------

const objectLabel = (o: ObjectRef) => `${o.kind} ${code(o.name)}`;

const locationText = (l: RepositoryLocation): string =>
  l.url ? code(l.url) : `${code(`${l.site}/${l.target}/${l.path}`)} (unresolved)`;

const CAUSE_TEXT: Record<ScheduleCause, string> = {
  cron: 'cron changed',
  timezone: 'timezone changed',
  'site-timezone': "site's timezone changed",
  site: 'moved to another site',
};

const scheduleText = (s: ScheduleState | undefined): string =>
  s
    ? `${code(s.cron)} in ${code(s.timezone)}${s.timezoneFrom === 'fallback-utc' ? ' (site unknown)' : ''}`
    : '—';

const runsText = (c: ScheduleChange): string => {
  if (!c.after) return 'stops';
  if (c.after.error) return `cannot tell: ${escapeMarkdown(clip(c.after.error))}`;
  return c.after.nextRuns.map(describeLocalIso).join('<br>');
};

const changeText = (c: ScheduleChange): string =>
  c.change === 'changed'
    ? c.causes.map((k) => CAUSE_TEXT[k]).join(', ')
    : c.change === 'added'
      ? 'new'
      : 'removed';

const retentionValue = (v: number | string | undefined) => (v === undefined ? '—' : code(String(v)));

const destructiveLine = (r: RetentionChange): string =>
  `> - ${objectLabel(r)} in ${code(r.file)}: ${escapeMarkdown(r.reason)}`;

const fieldRow = (f: FieldChange): string =>
  `| ${code(f.path)} | ${f.change} | ${json(f.before)} | ${json(f.after)} |`;

const fieldsSummary = (c: ChangedObject): string => {
  const n = c.changes.length;
  const moved = c.previousFile ? `moved from ${code(c.previousFile)}` : '';
  return [n > 0 ? `${n} field${n === 1 ? '' : 's'}` : '', moved].filter(Boolean).join('; ');
};

// ---- snapshot preview ------------------------------------------------------------------------------------

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** `daily 7, within 14d`: the keep rules as restic takes them, in restic's order. */
const rulesText = (rules: SnapshotPreviewPolicy['rulesBefore']): string => {
  if (rules === undefined) return 'none';
  const parts = (['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'within'] as const)
    .filter((k) => rules[k] !== undefined)
    .map((k) => `${k} ${String(rules[k])}`);
  return parts.length > 0 ? code(parts.join(', ')) : 'none';
};

/** restic's RFC 3339 time without the sub-second digits, keeping its offset. */
const snapshotTime = (time: string): string => escapeMarkdown(time.replace(/\.\d+/, '').replace('T', ' '));

const listText = (items: readonly string[]): string => (items.length > 0 ? code(items.join(', ')) : '—');

const snapshotRow = (s: SnapshotPreviewSnapshot): string =>
  `| ${code(s.shortId)} | ${snapshotTime(s.time)} | ${code(s.host)} | ${listText(s.paths)} | ${listText(s.tags)} | ${
    s.reasons.length > 0 ? escapeMarkdown(clip(s.reasons.join(', '))) : '—'
  } |`;

const snapshotTable = (
  w: CappedWriter,
  title: string,
  reasonHeader: string,
  items: readonly SnapshotPreviewSnapshot[],
): void => {
  if (items.length === 0) return;
  w.line();
  w.line(title);
  w.line();
  w.line(`| Snapshot | Time | Host | Paths | Tags | ${reasonHeader} |`);
  w.line('|---|---|---|---|---|---|');
  items.forEach((s, i) => {
    if (w.full) w.skip(1);
    else if (!w.line(snapshotRow(s))) w.skip(items.length - i - 1);
  });
};

const policyHeading = (p: SnapshotPreviewPolicy): string => {
  const name = `Policy ${code(p.policy)}`;
  if (p.status === 'skipped') return `${name}: not previewed`;
  if (p.status !== 'previewed') return `${name}: **preview ${p.status}**`;
  if (p.removed.length > 0) return `${name}: **deletes ${plural(p.removed.length, 'snapshot')}**`;
  if (p.newlyKept.length > 0) return `${name}: keeps ${plural(p.newlyKept.length, 'more snapshot')}`;
  return `${name}: no snapshot changes fate`;
};

const policySection = (w: CappedWriter, p: SnapshotPreviewPolicy): void => {
  w.line();
  w.line(`#### ${policyHeading(p)}`);
  w.line();
  const scope =
    p.scope.host !== undefined ? `${code(p.scope.tag)} on host ${code(p.scope.host)}` : code(p.scope.tag);
  const where = p.repository !== undefined ? `Repository ${code(p.repository)}, ` : '';
  w.line(
    `${where}snapshots tagged ${scope} (${code(p.file)}); rules ${rulesText(p.rulesBefore)} → ${rulesText(p.rulesAfter)}.`,
  );
  if (p.error) {
    w.line();
    w.line(`${code(p.error.code)}: ${escapeMarkdown(clip(p.error.message, 400))}`);
  }
  if (p.note !== undefined) {
    w.line();
    w.line(`Note: ${escapeMarkdown(clip(p.note, 400))}.`);
  }
  if (p.status !== 'previewed') return;
  w.line();
  w.line(
    `${plural(p.total, 'snapshot')}: ${p.keptByBoth} kept by both rule sets, ${p.removed.length} deleted by this change, ` +
      `${p.newlyKept.length} newly kept, ${p.removedAnyway.length} removed by the next forget with or without it.`,
  );
  snapshotTable(w, '**Deleted by this change**', 'Kept until now because', p.removed);
  snapshotTable(w, 'Newly kept', 'Kept because', p.newlyKept);
};

/** Which snapshots the retention changes delete, as restic itself answered on the site's runner. */
const snapshotSection = (w: CappedWriter, view: SnapshotPreviewView): void => {
  w.line();
  const restic = view.resticVersion !== undefined ? ` (restic ${escapeMarkdown(view.resticVersion)})` : '';
  w.line(`### Snapshots at site ${code(view.site)}${restic}`);
  w.line();
  if (view.policies.length === 0) {
    w.line('No policy of this site changes its retention or scope: no repository was queried.');
    return;
  }
  w.line(
    'Asked on the site runner with `restic forget --dry-run` under the old and the new rules; nothing was deleted.',
  );
  const destructive = view.policies.filter((p) => p.status === 'previewed' && p.removed.length > 0);
  const deleted = destructive.reduce((n, p) => n + p.removed.length, 0);
  const unknown = view.policies.filter((p) => p.status === 'failed' || p.status === 'refused').length;
  if (deleted > 0) {
    w.line();
    w.line('> [!CAUTION]');
    w.line(
      `> **${plural(deleted, 'snapshot')} of ${plural(destructive.length, 'policy', 'policies')} ` +
        'would be deleted** by the first forget after merge.',
    );
  }
  if (unknown > 0) {
    w.line();
    w.line('> [!WARNING]');
    w.line(`> ${plural(unknown, 'policy', 'policies')} could not be previewed: see below.`);
  }
  for (const p of view.policies) {
    if (w.full) {
      w.skip(8 + p.removed.length + p.newlyKept.length);
      continue;
    }
    policySection(w, p);
  }
};

// ---- document --------------------------------------------------------------------------------------------

/** Render the plan as one GitHub comment. Same plan, same text. */
export const renderPlanMarkdown = (plan: PlanResult, options: MarkdownOptions = {}): string => {
  const w = new CappedWriter(Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, GITHUB_COMMENT_LIMIT));
  const baseCommit = plan.base.commit ? ` at ${code(plan.base.commit.slice(0, 12))}` : '';
  w.line('## lifeboat plan');
  w.line();
  w.line(`**${plan.summary}**`);
  w.line();
  w.line(
    `Base ${code(plan.base.label)}${baseCommit} compared with ${code(plan.head.label)}; ` +
      `next runs counted from ${code(plan.now)}.`,
  );

  const destructive = plan.retention.filter((r) => r.destructive);
  if (destructive.length > 0) {
    w.line();
    w.line('> [!CAUTION]');
    w.line(
      `> **Destructive: ${destructive.length} retention rule${destructive.length === 1 ? '' : 's'} tightened.** ` +
        'After merge, the next `forget`/prune deletes the snapshots or image versions that only the old rules kept. ' +
        'This cannot be undone.',
    );
    w.line('>');
    for (const r of destructive) w.line(destructiveLine(r));
  }

  for (const side of [plan.base, plan.head]) {
    if (side.failedFiles.length === 0) continue;
    const n = side.failedFiles.length;
    w.line();
    w.line('> [!WARNING]');
    w.line(
      `> ${n} file${n === 1 ? '' : 's'} failed to load in ${code(side.label)}; ` +
        `the objects in ${n === 1 ? 'it were' : 'them were'} not compared. Run \`lifeboat validate\` for the problems.`,
    );
    w.line('>');
    for (const file of side.failedFiles) w.line(`> - ${code(file)}`);
  }

  if (options.snapshots) snapshotSection(w, options.snapshots);

  const nothing =
    plan.added.length +
      plan.removed.length +
      plan.changed.length +
      plan.unreadable.length +
      plan.schedules.length +
      plan.retention.length +
      plan.repositoryMoves.length ===
    0;
  if (nothing) {
    w.line();
    w.line('No changes: both sides declare the same sites, policies and images.');
    return w.finish();
  }

  const table = <T>(
    title: string,
    items: readonly T[],
    header: string[],
    row: (item: T) => string,
    intro?: string,
  ) => {
    if (items.length === 0) return;
    w.line();
    w.line(`### ${title} (${items.length})`);
    w.line();
    if (intro) {
      w.line(intro);
      w.line();
    }
    w.line(`| ${header.join(' | ')} |`);
    w.line(`|${header.map(() => '---').join('|')}|`);
    items.forEach((item, i) => {
      if (w.full) w.skip(1);
      else if (!w.line(row(item))) w.skip(items.length - i - 1);
    });
  };

  table(
    'Added',
    plan.added,
    ['Kind', 'Name', 'File'],
    (o) => `| ${o.kind} | ${code(o.name)} | ${code(o.file)} |`,
  );
  table('Removed', plan.removed, ['Kind', 'Name', 'File', 'Effect'], (o) => {
    const where = o.repository ? `; they stay in ${code(o.repository)}` : '';
    return `| ${o.kind} | ${code(o.name)} | ${code(o.file)} | ${escapeMarkdown(o.effect)}${where} |`;
  });
  table(
    'Not compared',
    plan.unreadable,
    ['Kind', 'Name', 'File', 'Why'],
    (o) => `| ${o.kind} | ${code(o.name)} | ${code(o.file)} | file failed to load at ${o.side} |`,
  );
  table(
    'Changed',
    plan.changed,
    ['Kind', 'Name', 'File', 'Changes'],
    (o) => `| ${o.kind} | ${code(o.name)} | ${code(o.file)} | ${fieldsSummary(o)} |`,
    'Field-by-field details are at the end of this comment.',
  );
  table(
    'Schedules',
    plan.schedules,
    ['Object', 'Job', 'Change', 'Before', 'After', 'Next 3 runs (local time)'],
    (s) =>
      `| ${objectLabel(s)} | ${s.job} | ${changeText(s)} | ${scheduleText(s.before)} | ${scheduleText(s.after)} | ${runsText(s)} |`,
  );
  table('Retention', plan.retention, ['Object', 'Rule', 'Before', 'After', 'Effect'], (r) => {
    const effect = r.destructive ? '**tightened: deletes data**' : 'loosened: keeps more';
    return `| ${objectLabel(r)} | ${r.key} | ${retentionValue(r.before)} | ${retentionValue(r.after)} | ${effect} |`;
  });
  table(
    'Repository moves',
    plan.repositoryMoves,
    ['Policy', 'Why', 'From', 'To'],
    (m) => {
      const why = m.cause === 'policy' ? 'policy repository changed' : "site's NAS repository URL changed";
      return `| ${code(m.name)} | ${why} | ${locationText(m.before)} | ${locationText(m.after)} |`;
    },
    'The new repository starts empty, so the first backup there is a full one. ' +
      'The old snapshots stay where they were: not deleted, and no longer pruned by this policy.',
  );

  const detailed = plan.changed.filter((c) => c.changes.length > 0);
  if (detailed.length > 0) {
    w.line();
    w.line('### Field-by-field details');
    for (const c of detailed) {
      if (w.full) {
        w.skip(c.changes.length + 6);
        continue;
      }
      w.line();
      w.open(
        `<details><summary>${c.kind} ${htmlCode(c.name)} in ${htmlCode(c.file)}: ${c.changes.length} field${c.changes.length === 1 ? '' : 's'}</summary>`,
        '\n</details>',
      );
      w.line();
      w.line('| Field | Change | Before | After |');
      w.line('|---|---|---|---|');
      c.changes.forEach((f, i) => {
        if (w.full) w.skip(1);
        else if (!w.line(fieldRow(f))) w.skip(c.changes.length - i - 1);
      });
      w.close();
    }
  }
  return w.finish();
};
