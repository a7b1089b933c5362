import type { Inventory } from '@lifeboat/core';
import type { RequestDraft } from '../requests/index.js';

// The `/restore` form: site → policy or image → snapshot → paths or whole → target → reason. Choosing a site
// or a subject fires block_actions, and the bot redraws the form (views.update) with what fits the choice.

export const RESTORE_MODAL = 'lifeboat.restore';
export const MODAL_ACTIONS = {
  site: 'lifeboat.modal.site',
  subject: 'lifeboat.modal.subject',
  snapshot: 'lifeboat.modal.snapshot',
  paths: 'lifeboat.modal.paths',
  target: 'lifeboat.modal.target',
  reason: 'lifeboat.modal.reason',
} as const;
export type ModalField = keyof typeof MODAL_ACTIONS;

/** What the form shows right now; also what a submission reads back. */
export interface ModalChoice {
  site?: string;
  /** `policy:<name>` or `image:<name>`. */
  subject?: string;
}

export interface SnapshotOption {
  id: string;
  /** When it was taken, for the label. */
  at: string;
}

const text = (t: string) => ({ type: 'plain_text' as const, text: t.slice(0, 75) });
const option = (label: string, value: string) => ({ text: text(label), value });

const select = (
  field: ModalField,
  placeholder: string,
  options: { text: unknown; value: string }[],
  initial?: string,
) => {
  const el: Record<string, unknown> = {
    type: 'static_select',
    action_id: MODAL_ACTIONS[field],
    placeholder: text(placeholder),
    options: options.slice(0, 100),
  };
  const init = options.find((o) => o.value === initial);
  if (init) el.initial_option = init;
  return el;
};

/** The modal view for the current choice (`snapshots` lists the subject's known snapshots, newest first). */
export const restoreModal = (
  inventory: Inventory,
  choice: ModalChoice,
  meta: { channel: string },
  snapshots: readonly SnapshotOption[] = [],
): Record<string, unknown> => {
  const blocks: Record<string, unknown>[] = [];
  const sites = inventory.sites.map((s) => s.value.metadata.name).sort();
  blocks.push({
    type: 'input',
    block_id: 'site',
    dispatch_action: true,
    label: text('Site'),
    element: select(
      'site',
      'Which site?',
      sites.map((s) => option(s, s)),
      choice.site,
    ),
  });
  if (choice.site !== undefined && sites.includes(choice.site)) {
    const policies = inventory.policies
      .filter((p) => p.value.spec.site === choice.site && p.value.spec.restore !== undefined)
      .map((p) =>
        option(
          `Files: ${p.value.metadata.title ?? p.value.metadata.name}`,
          `policy:${p.value.metadata.name}`,
        ),
      );
    const images = inventory.images
      .filter((i) => i.value.spec.site === choice.site)
      .map((i) =>
        option(
          `Disk image: ${i.value.metadata.title ?? i.value.metadata.name}`,
          `image:${i.value.metadata.name}`,
        ),
      );
    const all = [...policies, ...images];
    if (all.length === 0) {
      blocks.push({
        type: 'section',
        block_id: 'subject-none',
        text: {
          type: 'mrkdwn',
          text: 'Nothing at this site takes restore requests (no policy has a `restore:` section).',
        },
      });
    } else {
      blocks.push({
        type: 'input',
        block_id: 'subject',
        dispatch_action: true,
        label: text('What did you lose?'),
        element: select('subject', 'Files or a disk image', all, choice.subject),
      });
    }
  }
  if (choice.subject !== undefined) {
    const isImage = choice.subject.startsWith('image:');
    blocks.push({
      type: 'input',
      block_id: 'snapshot',
      label: text(isImage ? 'Version' : 'From when?'),
      element: select(
        'snapshot',
        'Latest',
        [
          option('Latest', 'latest'),
          ...snapshots
            .slice(0, 25)
            .map((s) => option(`${s.at.slice(0, 16).replace('T', ' ')} UTC — ${s.id.slice(0, 8)}`, s.id)),
        ],
        'latest',
      ),
    });
    if (!isImage) {
      blocks.push({
        type: 'input',
        block_id: 'paths',
        optional: true,
        label: text('Paths (one per line; empty = everything)'),
        element: {
          type: 'plain_text_input',
          action_id: MODAL_ACTIONS.paths,
          multiline: true,
          placeholder: text('/srv/shares/finance/q3.xlsx'),
        },
      });
    }
    const alternate = option('A separate folder (safe, default)', 'alternate');
    blocks.push({
      type: 'input',
      block_id: 'target',
      label: text('Where to?'),
      element: {
        type: 'radio_buttons',
        action_id: MODAL_ACTIONS.target,
        initial_option: alternate,
        options: isImage
          ? [alternate]
          : [alternate, option('Over the original (needs approval)', 'in-place')],
      },
    });
    blocks.push({
      type: 'input',
      block_id: 'reason',
      label: text('Why?'),
      element: {
        type: 'plain_text_input',
        action_id: MODAL_ACTIONS.reason,
        max_length: 500,
        placeholder: text('e.g. Q3 spreadsheet overwritten this morning'),
      },
    });
  }
  const view: Record<string, unknown> = {
    type: 'modal',
    callback_id: RESTORE_MODAL,
    title: text('Restore'),
    close: text('Cancel'),
    private_metadata: JSON.stringify({ channel: meta.channel }),
    blocks,
  };
  if (choice.subject !== undefined) view.submit = text('Request');
  return view;
};

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

const fieldValue = (values: StateValues, block: string, field: ModalField): string | undefined => {
  const v = values[block]?.[MODAL_ACTIONS[field]];
  const out = v?.selected_option?.value ?? v?.value ?? undefined;
  return out === null ? undefined : out;
};

/** The choice so far, from a view's `state.values`. */
export const readChoice = (values: StateValues): ModalChoice => {
  const out: ModalChoice = {};
  const site = fieldValue(values, 'site', 'site');
  const subject = fieldValue(values, 'subject', 'subject');
  if (site !== undefined) out.site = site;
  if (subject !== undefined) out.subject = subject;
  return out;
};

/** A draft from a submitted form; `undefined` fields are left for validateDraft to name. */
export const readDraft = (values: StateValues): RequestDraft => {
  const choice = readChoice(values);
  const [kindOf, name] = (choice.subject ?? ':').split(/:(.*)/s);
  const isImage = kindOf === 'image';
  const draft: RequestDraft = {
    kind: isImage ? 'image-restore' : 'restore',
    site: choice.site ?? '',
    snapshot: fieldValue(values, 'snapshot', 'snapshot') ?? 'latest',
    paths: (fieldValue(values, 'paths', 'paths') ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
    target: fieldValue(values, 'target', 'target') === 'in-place' ? 'in-place' : 'alternate',
    reason: (fieldValue(values, 'reason', 'reason') ?? '').trim(),
  };
  if (isImage) draft.image = name ?? '';
  else draft.policy = name ?? '';
  return draft;
};

/** Which block shows a draft problem's field, for `response_action: errors`. */
export const blockForField = (field: string): string => {
  if (field === 'policy' || field === 'image' || field === 'policy/image' || field === 'kind')
    return 'subject';
  if (['site', 'snapshot', 'paths', 'target', 'reason'].includes(field)) return field;
  return 'reason';
};
