import type { Inventory } from '@lifeboat/core';
import type { RequestDraft } from '../requests/types.js';
import { insideSources, normalisePath } from './paths.js';
import type { DraftProblem } from './types.js';

// Everything a draft says is untrusted (a slash command's text, a modal's fields): checked against the
// inventory and against shapes before it is stored, shown to an approver or dispatched.

export const LIMITS = { paths: 50, path: 1024, reason: 500, name: 63, snapshot: 64 } as const;

export const SNAPSHOT_ID = /^(latest|[0-9a-f]{8,64})$/;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** C0/C1 controls, zero-width and bidirectional overrides: text that would not read as what it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export const hasInvisible = (s: string): boolean => INVISIBLE.test(s);

const problem = (code: string, field: DraftProblem['field'], message: string): DraftProblem => ({
  code,
  field,
  message,
});

/** Quoted for a message: cut short, invisible characters shown as `?`. */
const shown = (s: string): string => {
  const cut = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return JSON.stringify(cut.replace(new RegExp(INVISIBLE.source, 'g'), '?'));
};

/** Problems with a draft; empty means it may be authorised and stored. */
export const validateDraft = (inventory: Inventory, draft: RequestDraft): DraftProblem[] => {
  const problems: DraftProblem[] = [];
  const textFields: Array<[DraftProblem['field'], string | undefined]> = [
    ['site', draft.site],
    ['policy', draft.policy],
    ['image', draft.image],
    ['snapshot', draft.snapshot],
    ['reason', draft.reason],
  ];
  for (const [field, value] of textFields) {
    if (value !== undefined && hasInvisible(value))
      problems.push(
        problem('draft.control-characters', field, `${field} contains invisible or control characters`),
      );
  }
  if (draft.reason.length > LIMITS.reason)
    problems.push(problem('draft.too-long', 'reason', `reason is longer than ${LIMITS.reason} characters`));
  if (draft.reason.trim() === '' && draft.kind !== 'drill')
    problems.push(problem('draft.no-reason', 'reason', 'say why the restore is needed'));

  // Names: shape first, so nothing odd is looked up or echoed.
  const site = NAME.test(draft.site)
    ? inventory.sites.find((s) => s.value.metadata.name === draft.site)
    : undefined;
  if (!site)
    problems.push(
      problem(
        'draft.unknown-site',
        'site',
        draft.site.length > LIMITS.name ? 'site name is too long' : `no site ${shown(draft.site)}`,
      ),
    );

  const wantsImage = draft.kind === 'image-restore';
  if (
    (draft.policy !== undefined) === (draft.image !== undefined) ||
    (wantsImage ? !draft.image : !draft.policy)
  ) {
    problems.push(
      problem(
        'draft.no-subject',
        'policy/image',
        wantsImage ? 'an image restore names one image' : `a ${draft.kind} names one policy`,
      ),
    );
    return problems;
  }

  if (draft.policy !== undefined) {
    const policy = NAME.test(draft.policy)
      ? inventory.policies.find((p) => p.value.metadata.name === draft.policy)
      : undefined;
    if (!policy) {
      problems.push(problem('draft.unknown-policy', 'policy', `no policy ${shown(draft.policy)}`));
    } else {
      const spec = policy.value.spec;
      if (site && spec.site !== draft.site)
        problems.push(
          problem(
            'draft.wrong-site',
            'policy',
            `policy ${draft.policy} belongs to site ${spec.site}, not ${draft.site}`,
          ),
        );
      if (draft.target === 'in-place' && spec.restore?.allowInPlace !== true)
        problems.push(
          problem(
            'draft.in-place-not-allowed',
            'target',
            `policy ${draft.policy} does not allow in-place restores`,
          ),
        );
      if (draft.paths.length > LIMITS.paths)
        problems.push(
          problem('draft.too-many-paths', 'paths', `${draft.paths.length} paths; at most ${LIMITS.paths}`),
        );
      for (const raw of draft.paths.slice(0, LIMITS.paths)) {
        if (raw.length > LIMITS.path) {
          problems.push(
            problem('draft.too-long', 'paths', `a path is longer than ${LIMITS.path} characters`),
          );
          continue;
        }
        if (hasInvisible(raw)) {
          problems.push(
            problem('draft.control-characters', 'paths', `path ${shown(raw)} contains invisible characters`),
          );
          continue;
        }
        const p = normalisePath(raw);
        if (p === undefined) {
          problems.push(problem('draft.bad-path', 'paths', `path ${shown(raw)} is not absolute`));
          continue;
        }
        if (!insideSources(p, spec.sources.paths))
          problems.push(
            problem(
              'draft.path-outside-sources',
              'paths',
              `path ${shown(p)} is not inside the sources of policy ${draft.policy} (${spec.sources.paths.join(', ')})`,
            ),
          );
      }
    }
    if (draft.snapshot.length > LIMITS.snapshot || !SNAPSHOT_ID.test(draft.snapshot))
      problems.push(
        problem(
          'draft.bad-snapshot',
          'snapshot',
          `snapshot ${shown(draft.snapshot)} is not "latest" or 8–64 hex digits`,
        ),
      );
  } else if (draft.image !== undefined) {
    const image = NAME.test(draft.image)
      ? inventory.images.find((i) => i.value.metadata.name === draft.image)
      : undefined;
    if (!image) problems.push(problem('draft.unknown-image', 'image', `no image ${shown(draft.image)}`));
    else if (site && image.value.spec.site !== draft.site)
      problems.push(
        problem(
          'draft.wrong-site',
          'image',
          `image ${draft.image} belongs to site ${image.value.spec.site}, not ${draft.site}`,
        ),
      );
    if (draft.target === 'in-place')
      problems.push(
        problem('draft.in-place-image', 'target', 'images are restored into the sandbox, never in place'),
      );
    if (draft.paths.length > 0)
      problems.push(problem('draft.bad-path', 'paths', 'an image restore takes no paths'));
    // The runner restores the version the image YAML declares (spec.version); the request says `latest`.
    if (draft.snapshot !== 'latest')
      problems.push(
        problem(
          'draft.bad-version',
          'snapshot',
          `version ${shown(draft.snapshot)}: image restores take the version the image YAML declares ("latest")`,
        ),
      );
  }
  return problems;
};

/** The draft with its paths normalised (call after validateDraft found nothing). */
export const normaliseDraft = (draft: RequestDraft): RequestDraft => ({
  ...draft,
  reason: draft.reason.trim(),
  paths: [...new Set(draft.paths.map((p) => normalisePath(p) ?? p))],
});
