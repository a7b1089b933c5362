import { loadInventory } from '@lifeboat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ONE_SITE } from '../testing/harness.js';
import { blockForField, MODAL_ACTIONS, readChoice, readDraft, restoreModal } from './restore-modal.js';

let inventory: Awaited<ReturnType<typeof loadInventory>>['inventory'];
beforeAll(async () => {
  ({ inventory } = await loadInventory(FIXTURE_ONE_SITE));
});

const sel = (value: string) => ({ selected_option: { value } });

describe('the restore form', () => {
  it('grows step by step: site, then subject, then the rest', () => {
    const ids = (v: Record<string, unknown>) => (v.blocks as { block_id: string }[]).map((b) => b.block_id);
    expect(ids(restoreModal(inventory, {}, { channel: 'C1' }))).toEqual(['site']);
    expect(ids(restoreModal(inventory, { site: 'lisle' }, { channel: 'C1' }))).toEqual(['site', 'subject']);
    const full = restoreModal(
      inventory,
      { site: 'lisle', subject: 'policy:lisle-finance-share' },
      { channel: 'C1' },
    );
    expect(ids(full)).toEqual(['site', 'subject', 'snapshot', 'paths', 'target', 'reason']);
    expect(full.submit).toBeDefined();
    expect(JSON.parse(String(full.private_metadata))).toEqual({ channel: 'C1' });
  });

  it('reads a submission back into a draft', () => {
    const values = {
      site: { [MODAL_ACTIONS.site]: sel('lisle') },
      subject: { [MODAL_ACTIONS.subject]: sel('policy:lisle-finance-share') },
      snapshot: { [MODAL_ACTIONS.snapshot]: sel('latest') },
      paths: { [MODAL_ACTIONS.paths]: { value: ' /srv/shares/finance/a \n\n/srv/shares/finance/b\n' } },
      target: { [MODAL_ACTIONS.target]: sel('in-place') },
      reason: { [MODAL_ACTIONS.reason]: { value: ' why ' } },
    };
    expect(readChoice(values)).toEqual({ site: 'lisle', subject: 'policy:lisle-finance-share' });
    expect(readDraft(values)).toEqual({
      kind: 'restore',
      site: 'lisle',
      policy: 'lisle-finance-share',
      snapshot: 'latest',
      paths: ['/srv/shares/finance/a', '/srv/shares/finance/b'],
      target: 'in-place',
      reason: 'why',
    });
  });

  it('reads an empty form as an empty draft for validateDraft to refuse, and maps fields to blocks', () => {
    expect(readDraft({})).toMatchObject({ site: '', policy: '', reason: '', paths: [] });
    expect(blockForField('policy/image')).toBe('subject');
    expect(blockForField('paths')).toBe('paths');
  });
});
