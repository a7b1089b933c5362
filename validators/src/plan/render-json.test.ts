import { describe, expect, it } from 'vitest';
import { diffInventories } from './diff.js';
import { renderPlanJson } from './render-json.js';
import { edit, inventory, policy, site } from './testing/plan-inventory.js';

describe('renderPlanJson', () => {
  const plan = diffInventories(
    inventory(site(), policy('share')),
    inventory(
      site(),
      edit(policy('share'), (p) => {
        p.spec.retention.keepDaily = 7;
      }),
    ),
    { now: new Date('2025-01-15T12:00:00Z'), base: { label: 'origin/main', commit: 'c'.repeat(40) } },
  );

  it('wraps the plan in a versioned envelope with a stable key order', () => {
    const text = renderPlanJson(plan);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual([
      'version',
      'base',
      'head',
      'now',
      'destructive',
      'summary',
      'added',
      'removed',
      'changed',
      'unreadable',
      'schedules',
      'retention',
      'repositoryMoves',
    ]);
    expect(parsed.version).toBe(1);
    expect(parsed.destructive).toBe(true);
    expect(parsed.retention[0]).toMatchObject({
      key: 'keepDaily',
      before: 14,
      after: 7,
      direction: 'tightened',
    });
  });

  it('gives the same text for the same plan', () => {
    expect(renderPlanJson(plan)).toBe(renderPlanJson(structuredClone(plan)));
  });

  it('escapes invisible and bidi characters so the file shows what it holds, and round-trips', () => {
    const hostile = structuredClone(plan);
    const text = 'a\u202eb\u2028c\u0085d';
    hostile.base.label = text;
    const json = renderPlanJson(hostile);
    expect(json).toContain('"label": "a\\u202eb\\u2028c\\u0085d"');
    expect(json).not.toMatch(/[\u0085\u2028\u202e]/);
    expect(JSON.parse(json).base.label).toBe(text);
  });
});
