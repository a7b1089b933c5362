import { describe, expect, it } from 'vitest';
import { classifyRestic } from '../tools/restic/outcome.js';
import { type ForgetGroup, parseForget } from '../tools/restic/parse.js';
import { endOf, featuresOf } from '../tools/restic/testing/fixtures.js';
import { diffForget } from './diff.js';
import { previewFixture } from './testing/fixtures.js';

// Real restic 0.14 answers for one policy's 9 snapshots (one a day 2026-01-01..08 at 10:00, plus 01-08 18:00)
// under keepDaily 7 and keepDaily 3, scoped by tag and grouped by host as forgetArgsFor builds it.

const groupsOf = (scenario: string): ForgetGroup[] => {
  const parsed = parseForget(previewFixture(scenario).stdout);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

const daily7 = groupsOf('keep-daily-7-before');
const daily3 = groupsOf('keep-daily-3-after');
const all = daily7.flatMap((g) => [...g.keep, ...g.remove]);
/** The fixture's snapshot ids by their time (ids change when the fixtures are captured again, times do not). */
const idAt = (time: string): string => {
  const found = all.find((s) => s.time === time);
  if (!found) throw new Error(`no snapshot at ${time} in the fixture`);
  return found.id;
};
const at10 = (day: string) => idAt(`2026-01-${day}T10:00:00Z`);

describe('the captured answers', () => {
  it('hold the nine snapshots of one host group, scoped to the policy tag', () => {
    expect(daily7).toHaveLength(1);
    expect(all).toHaveLength(9);
    expect(all.every((s) => s.tags.includes('policy:office-share') && s.hostname === 'nas-client')).toBe(
      true,
    );
    expect(daily3[0]?.keep.map((s) => s.reasons)).toEqual([
      ['daily snapshot'],
      ['daily snapshot'],
      ['daily snapshot'],
    ]);
  });
});

describe('diffForget', () => {
  it('tightening keepDaily 7 → 3 deletes exactly the snapshots only the old rules kept, with their reasons', () => {
    const diff = diffForget(daily7, daily3);
    expect(diff.removed.map((s) => s.id)).toEqual([at10('05'), at10('04'), at10('03'), at10('02')]);
    expect(diff.removed.every((s) => s.reasons.join() === 'daily snapshot')).toBe(true);
    expect(diff.removed[0]).toMatchObject({
      shortId: at10('05').slice(0, 8),
      time: '2026-01-05T10:00:00Z',
      host: 'nas-client',
      tags: ['lifeboat', 'policy:office-share'],
    });
    expect(diff.removed[0]?.paths).toHaveLength(1);
    // 01-08 10:00 (a second one that day) and 01-01 (the eighth day) go with either rule set.
    expect(diff.removedAnyway.map((s) => s.id)).toEqual([at10('08'), at10('01')]);
    expect(diff.newlyKept).toEqual([]);
    expect(diff).toMatchObject({ keptByBoth: 3, total: 9, oneSided: 0 });
  });

  it('loosening (3 → 7) newly keeps them, with the new rules’ reasons', () => {
    const diff = diffForget(daily3, daily7);
    expect(diff.newlyKept.map((s) => s.id)).toEqual([at10('05'), at10('04'), at10('03'), at10('02')]);
    expect(diff.newlyKept.every((s) => s.reasons.join() === 'daily snapshot')).toBe(true);
    expect(diff.removed).toEqual([]);
    expect(diff.removedAnyway).toHaveLength(2);
  });

  it('the same rules change nothing', () => {
    const diff = diffForget(daily7, daily7);
    expect(diff).toMatchObject({ removed: [], newlyKept: [], keptByBoth: 7, total: 9 });
  });

  it('old rules that never ran (no valid keep rule) kept everything: all the new rules remove is deleted', () => {
    const diff = diffForget(undefined, daily3);
    expect(diff.removed).toHaveLength(6);
    expect(diff.removed.every((s) => s.reasons.length === 0)).toBe(true);
    expect(diff).toMatchObject({ removedAnyway: [], keptByBoth: 3, total: 9 });
  });

  it('a snapshot one answer did not select counts as kept on that side (forget never touches it)', () => {
    const [group] = daily3;
    if (!group) throw new Error('fixture has no group');
    // The new answer without its newest snapshot (a backup finishing between the two queries, reversed).
    const diff = diffForget(daily7, [{ ...group, keep: group.keep.slice(1) }]);
    expect(diff).toMatchObject({ oneSided: 1, keptByBoth: 3, total: 9 });
    expect(diff.removed).toHaveLength(4);
  });

  it('a scope that no longer selects the snapshots newly keeps what the old rules removed', () => {
    const diff = diffForget(daily7, []);
    expect(diff.newlyKept.map((s) => s.id)).toEqual([at10('08'), at10('01')]);
    expect(diff.newlyKept.every((s) => s.reasons.length === 0)).toBe(true);
    expect(diff).toMatchObject({ removed: [], removedAnyway: [], keptByBoth: 7, oneSided: 9 });
  });

  it('a scope that newly selects snapshots deletes what the new rules remove', () => {
    const diff = diffForget([], daily3);
    expect(diff.removed).toHaveLength(6);
    expect(diff).toMatchObject({ newlyKept: [], keptByBoth: 3, oneSided: 9 });
  });

  it('a repository with none of the policy’s snapshots: restic prints nothing, nothing changes', () => {
    const none = groupsOf('no-matching-snapshots');
    expect(none).toEqual([]);
    expect(diffForget(none, none)).toMatchObject({ removed: [], total: 0 });
  });
});

describe('why the preview runs forget --dry-run with --no-lock (captured on restic 0.14)', () => {
  it('a dry run takes an exclusive lock and fails while a backup runs', () => {
    const f = previewFixture('dry-run-locked-by-backup');
    expect(f.command).not.toContain('--no-lock');
    expect(classifyRestic(endOf(f), featuresOf(f)).outcome).toBe('locked');
  });

  it('with --no-lock the same dry run answers during the backup', () => {
    const f = previewFixture('dry-run-no-lock-during-backup');
    expect(f.exitCode).toBe(0);
    const parsed = parseForget(f.stdout);
    expect(parsed.ok && parsed.value[0]?.remove.length).toBe(6);
  });

  it('a wrong password is told apart', () => {
    const f = previewFixture('wrong-password');
    expect(classifyRestic(endOf(f), featuresOf(f)).error?.code).toBe('restic.wrong-password');
  });
});
