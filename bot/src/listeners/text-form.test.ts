import { loadInventory } from '@lifeboat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ONE_SITE } from '../testing/harness.js';
import { parseRestoreText, splitWords } from './text-form.js';

let inventory: Awaited<ReturnType<typeof loadInventory>>['inventory'];
beforeAll(async () => {
  ({ inventory } = await loadInventory(FIXTURE_ONE_SITE));
});

describe('the /restore text form', () => {
  it('reads site, policy, snapshot, paths, --in-place and the reason', () => {
    expect(
      parseRestoreText(
        inventory,
        'lisle lisle-finance-share A1B2C3D4 /srv/shares/finance/a "/srv/shares/finance/b c" --in-place -- month-end -- really',
      ),
    ).toEqual({
      ok: true,
      draft: {
        kind: 'restore',
        site: 'lisle',
        policy: 'lisle-finance-share',
        snapshot: 'a1b2c3d4',
        paths: ['/srv/shares/finance/a', '/srv/shares/finance/b c'],
        target: 'in-place',
        reason: 'month-end -- really',
      },
    });
  });

  it('defaults to the latest snapshot, the whole snapshot and the alternate target', () => {
    const parsed = parseRestoreText(inventory, 'lisle lisle-general-share -- gone');
    expect(parsed).toMatchObject({ ok: true, draft: { snapshot: 'latest', paths: [], target: 'alternate' } });
  });

  it('leaves an empty reason for validateDraft to refuse', () => {
    expect(parseRestoreText(inventory, 'lisle lisle-general-share')).toMatchObject({
      ok: true,
      draft: { reason: '' },
    });
  });

  it.each([
    ['', 'Name a site'],
    ['lisle', 'Name a site'],
    ['lisle lisle-general-share relative/path -- x', 'neither a snapshot id'],
    ['lisle lisle-general-share latest latest -- x', 'neither a snapshot id'],
    ['lisle lisle-general-share --dry-run -- x', 'Unknown option'],
  ])('refuses %j', (text, message) => {
    const parsed = parseRestoreText(inventory, text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it('splits words with double quotes keeping spaces', () => {
    expect(splitWords(' a  "b c"  d ')).toEqual(['a', 'b c', 'd']);
  });
});
