import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages } from '../generate/generate-docs.js';
import { copyExampleInventory } from '../generate/testing/example-inventory.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await copyExampleInventory());
});
afterAll(async () => cleanup());

const RUNBOOK = `---
title: ignored
---
# Finance restore

## Purpose

RPO is :policy-fact{policy="lisle-finance-share" field="rpo"}; data in :policy-fact{policy="lisle-finance-share" field="sources"}.

## Preconditions

::policy-table{site="lisle"}

## Steps

1. First:

   ::restore-steps{policy="lisle-finance-share"}

:::warning
Careful with :policy-fact{policy="lisle-finance-share" field="alternate-target"}.
:::

## Verification

::image-flash-steps{image="hp-kvm-sdcard"}

## Rollback

::nope{x="1"}
`;

describe('runbook directives', () => {
  it('expand into plain Markdown from the inventory, and unknown ones are problems at file:line:col', async () => {
    await writeFile(path.join(root, 'runbooks', 'test-finance.md'), RUNBOOK);
    const built = await buildPages({ root, outDir: 'unused', now: new Date('2026-03-10T12:00:00Z') });
    const page = built.files.find((f) => f.path === 'runbooks/test-finance.md')?.content ?? '';
    expect(page).toMatch(/^---\ntitle: 'Finance restore'\n/);
    expect(page).not.toContain('title: ignored');
    expect(page).toContain('RPO is 4h; data in `/srv/shares/finance`.');
    expect(page).toContain('| [lisle-finance-share](../policies/lisle-finance-share.md) | `office-share` |');
    // Inside a list item the expansion stays indented under it.
    expect(page).toContain(
      '   ```sh\n   # into the alternate target (a new folder named after the run id)\n   npx lifeboat run --site lisle --job restore --policy lisle-finance-share',
    );
    expect(page).toContain(':::warning\nCareful with `/srv/lifeboat-restore/lisle-finance-share`.\n:::');
    expect(page).toContain('zstd -dc p1-boot.pcl.zst | partclone.vfat -r -s - -O /dev/mmcblk0p1');
    expect(page).not.toMatch(/::(policy-table|restore-steps|image-flash-steps)/);
    const problem = built.problems.find((p) => p.file === 'runbooks/test-finance.md');
    expect(problem).toMatchObject({ code: 'runbook.unknown-directive', line: 30, col: 1 });
  });
});
