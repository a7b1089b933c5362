import type { Inventory } from '@lifeboat/core';
import type { RequestDraft } from '../requests/index.js';

// The one-line form of `/restore`, for people who prefer typing: `<site> <policy|image> [snapshot] [/path …]
// [--in-place] -- reason`. Parsing only splits words; validateDraft checks every value afterwards.

export type ParsedRestoreText = { ok: true; draft: RequestDraft } | { ok: false; message: string };

const SNAPSHOT_WORD = /^(latest|[0-9a-fA-F]{8,64})$/;

/** Whitespace-separated words; "double quotes" keep a path with spaces together. */
export const splitWords = (text: string): string[] => {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push(m[1] ?? m[2] ?? '');
  return words;
};

export const parseRestoreText = (inventory: Inventory, text: string): ParsedRestoreText => {
  const sep = text.search(/(^|\s)--(\s|$)/);
  const head = sep < 0 ? text : text.slice(0, sep);
  const reason =
    sep < 0
      ? ''
      : text
          .slice(sep)
          .replace(/^\s*--/, '')
          .trim();
  const words = splitWords(head);
  const inPlace = words.includes('--in-place');
  const unknownFlag = words.find((w) => w.startsWith('--') && w !== '--in-place');
  if (unknownFlag)
    return {
      ok: false,
      message: `Unknown option \`${unknownFlag.slice(0, 40)}\`; the only one is \`--in-place\`.`,
    };
  const rest = words.filter((w) => w !== '--in-place');
  const [site, subject, ...more] = rest;
  if (site === undefined || subject === undefined)
    return {
      ok: false,
      message:
        'Name a site and a policy (or image): `/restore <site> <policy> [snapshot] [/path …] -- reason`.',
    };
  let snapshot = 'latest';
  if (more[0] !== undefined && SNAPSHOT_WORD.test(more[0]))
    snapshot = (more.shift() ?? 'latest').toLowerCase();
  const stray = more.find((w) => !w.startsWith('/'));
  if (stray !== undefined)
    return {
      ok: false,
      message: `\`${stray.slice(0, 80)}\` is neither a snapshot id (right after the policy) nor an absolute path (starting with /).`,
    };
  const isImage = inventory.images.some((i) => i.value.metadata.name === subject);
  const draft: RequestDraft = {
    kind: isImage ? 'image-restore' : 'restore',
    site,
    snapshot,
    paths: more,
    target: inPlace ? 'in-place' : 'alternate',
    reason,
  };
  if (isImage) draft.image = subject;
  else draft.policy = subject;
  return { ok: true, draft };
};
