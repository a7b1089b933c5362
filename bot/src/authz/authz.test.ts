import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Inventory, loadInventory } from '@lifeboat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOT_CATALOGUE } from '../catalogue/index.js';
import type { BotRequest, RequestDraft } from '../requests/types.js';
import { authorizeApproval, authorizeRequest } from './authorize.js';
import { insideSources, normalisePath } from './paths.js';
import { LIMITS, validateDraft } from './validate-draft.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// People of the example inventory (sites/lisle.yaml, policies/lisle-*.yaml).
const FINANCE_REQUESTER = 'U05KS1PN4T2'; // lisle requester, finance requester
const GENERAL_REQUESTER = 'U05KS3JK0W1'; // lisle requester, not in finance's list
const APPROVER = 'U05KR7W2D1A';
const APPROVER_2 = 'U05KR8M0L5N';
const GROUP = 'S05KT9HD3SK';
const GROUP_MEMBER = 'U0GROUPMEM1';
const STRANGER = 'U0STRANGER1';

const groupsOf = async (id: string) => (id === GROUP ? [GROUP_MEMBER] : []);

let inventory: Inventory;
beforeAll(async () => {
  const loaded = await loadInventory(ROOT);
  inventory = loaded.inventory;
  expect(inventory.sites.length).toBeGreaterThan(0);
});

const draft = (over: Partial<RequestDraft> = {}): RequestDraft => ({
  kind: 'restore',
  site: 'lisle',
  policy: 'lisle-finance-share',
  snapshot: 'latest',
  paths: ['/srv/shares/finance/q3.xlsx'],
  target: 'alternate',
  reason: 'deleted by mistake',
  ...over,
});

describe('authorizeRequest', () => {
  const cases: Array<[string, Partial<RequestDraft>, string, unknown]> = [
    [
      'listed requester, alternate, in-place-only policy: no approval',
      {},
      FINANCE_REQUESTER,
      { allowed: true, needsApproval: false },
    ],
    [
      'listed requester, in place: approval always',
      { target: 'in-place' },
      FINANCE_REQUESTER,
      { allowed: true, needsApproval: true, approvers: [APPROVER, APPROVER_2] },
    ],
    ['user group member may request', {}, GROUP_MEMBER, { allowed: true, needsApproval: false }],
    [
      'site requester not in the policy list is refused',
      {},
      GENERAL_REQUESTER,
      { allowed: false, code: 'authz.not-requester' },
    ],
    ['stranger is refused', {}, STRANGER, { allowed: false, code: 'authz.not-requester' }],
    [
      'approver may request; approves not themselves',
      { target: 'in-place' },
      APPROVER,
      { allowed: true, needsApproval: true, approvers: [APPROVER_2] },
    ],
    [
      'required policy needs approval at the alternate target',
      { policy: 'lisle-general-share', paths: [] },
      GENERAL_REQUESTER,
      { allowed: true, needsApproval: true },
    ],
    [
      'policy without requesters uses the site list',
      { policy: 'lisle-proxmox-vzdump', paths: [] },
      GENERAL_REQUESTER,
      { allowed: true, needsApproval: true },
    ],
    ['unknown site', { site: 'atlantis' }, FINANCE_REQUESTER, { allowed: false, code: 'draft.unknown-site' }],
    [
      'policy of another site',
      { site: 'portage' },
      FINANCE_REQUESTER,
      { allowed: false, code: 'draft.wrong-site' },
    ],
    [
      'drills need no approval',
      { kind: 'drill', paths: [] },
      FINANCE_REQUESTER,
      { allowed: true, needsApproval: false, approvers: [] },
    ],
    [
      'image restore always needs approval',
      { kind: 'image-restore', policy: undefined, image: 'hp-kvm-sdcard', paths: [] },
      GENERAL_REQUESTER,
      { allowed: true, needsApproval: true, approvers: [APPROVER, APPROVER_2] },
    ],
  ];
  it.each(cases)('%s', async (_name, over, user, expected) => {
    const decision = await authorizeRequest(inventory, draft(over), user, groupsOf);
    expect(decision).toMatchObject(expected as object);
    if (!decision.allowed) expect(BOT_CATALOGUE).toHaveProperty([decision.code]);
    else expect(decision.why).not.toBe('');
  });

  it('refuses a policy without a restore section', async () => {
    const copy = structuredClone(inventory);
    const p = copy.policies.find((e) => e.value.metadata.name === 'lisle-finance-share');
    if (p) delete p.value.spec.restore;
    expect(await authorizeRequest(copy, draft(), FINANCE_REQUESTER, groupsOf)).toMatchObject({
      allowed: false,
      code: 'authz.no-restore-section',
    });
  });

  it('refuses when approval is needed and only the requester could approve', async () => {
    const copy = structuredClone(inventory);
    const p = copy.policies.find((e) => e.value.metadata.name === 'lisle-finance-share');
    if (p?.value.spec.restore) p.value.spec.restore.approvers = [FINANCE_REQUESTER];
    expect(
      await authorizeRequest(copy, draft({ target: 'in-place' }), FINANCE_REQUESTER, groupsOf),
    ).toMatchObject({
      allowed: false,
      code: 'authz.no-approvers',
    });
  });

  it('a failing group lookup means not a member, not a crash', async () => {
    const failing = async () => {
      throw new Error('slack down');
    };
    expect(await authorizeRequest(inventory, draft(), GROUP_MEMBER, failing)).toMatchObject({
      allowed: false,
    });
  });
});

describe('authorizeApproval', () => {
  const pending = (over: Partial<BotRequest> = {}): BotRequest => ({
    ...draft({ target: 'in-place' }),
    id: 'rq_aaaaaaaaaaaaaaaa',
    idempotencyKey: 'k',
    requester: FINANCE_REQUESTER,
    channel: 'C1',
    createdAt: '2026-01-01T00:00:00Z',
    state: 'pending-approval',
    history: [],
    ...over,
  });
  const cases: Array<[string, Partial<BotRequest>, string, unknown]> = [
    ['an approver approves', {}, APPROVER, { allowed: true }],
    [
      'self-approval is refused even for an approver',
      { requester: APPROVER },
      APPROVER,
      { allowed: false, code: 'authz.self-approval' },
    ],
    [
      'a requester who is not an approver',
      {},
      GENERAL_REQUESTER,
      { allowed: false, code: 'authz.not-approver' },
    ],
    [
      'a second click after approval',
      { state: 'approved' },
      APPROVER_2,
      { allowed: false, code: 'authz.not-pending' },
    ],
    ['an expired request', { state: 'expired' }, APPROVER_2, { allowed: false, code: 'authz.not-pending' }],
    [
      'image approvers come from the image',
      {
        kind: 'image-restore',
        policy: undefined,
        image: 'grocery-pos-terminal',
        site: 'grocery-store-14',
        paths: [],
        target: 'alternate',
      },
      'U05KV4TR33D',
      { allowed: true },
    ],
  ];
  it.each(cases)('%s', async (_name, over, user, expected) => {
    const decision = await authorizeApproval(inventory, pending(over), user, groupsOf);
    expect(decision).toMatchObject(expected as object);
    if (!decision.allowed) expect(BOT_CATALOGUE).toHaveProperty([decision.code]);
  });
});

describe('validateDraft', () => {
  const cases: Array<[string, Partial<RequestDraft>, string[]]> = [
    ['a good draft', {}, []],
    ['whole snapshot', { paths: [] }, []],
    ['a source itself, with a trailing slash', { paths: ['/srv/shares/finance/'] }, []],
    ['a full snapshot id', { snapshot: 'a'.repeat(64) }, []],
    ['a short snapshot id', { snapshot: '4bba301e' }, []],
    ['snapshot too short', { snapshot: '4bba301' }, ['draft.bad-snapshot']],
    ['snapshot upper case', { snapshot: '4BBA301E' }, ['draft.bad-snapshot']],
    ['snapshot too long', { snapshot: 'a'.repeat(65) }, ['draft.bad-snapshot']],
    ['snapshot as an option', { snapshot: '--help' }, ['draft.bad-snapshot']],
    ['relative path', { paths: ['srv/shares/finance/x'] }, ['draft.bad-path']],
    [
      'escape with ..',
      { paths: ['/srv/shares/finance/../../../etc/shadow'] },
      ['draft.path-outside-sources'],
    ],
    [
      'sibling with a common prefix',
      { paths: ['/srv/shares/finance-old/x'] },
      ['draft.path-outside-sources'],
    ],
    ["another policy's path", { paths: ['/srv/shares/hr/salaries.xlsx'] }, ['draft.path-outside-sources']],
    ['control character in a path', { paths: ['/srv/shares/finance/a\nb'] }, ['draft.control-characters']],
    [
      'bidi override in a path',
      { paths: ['/srv/shares/finance/\u202Excod.exe'] },
      ['draft.control-characters'],
    ],
    ['zero-width in the reason', { reason: 'oops\u200b' }, ['draft.control-characters']],
    ['too long path', { paths: [`/srv/shares/finance/${'a'.repeat(LIMITS.path)}`] }, ['draft.too-long']],
    [
      'too many paths',
      { paths: Array.from({ length: LIMITS.paths + 1 }, (_, i) => `/srv/shares/finance/${i}`) },
      ['draft.too-many-paths'],
    ],
    ['too long reason', { reason: 'x'.repeat(LIMITS.reason + 1) }, ['draft.too-long']],
    ['no reason', { reason: '   ' }, ['draft.no-reason']],
    ['unknown site', { site: 'atlantis' }, ['draft.unknown-site']],
    ['site name with odd characters', { site: 'lisle; rm -rf /' }, ['draft.unknown-site']],
    ['unknown policy', { policy: 'nope' }, ['draft.unknown-policy']],
    ['policy of another site', { site: 'portage' }, ['draft.wrong-site']],
    [
      'in place where the policy does not allow it',
      { policy: 'lisle-general-share', paths: [], target: 'in-place' },
      ['draft.in-place-not-allowed'],
    ],
    ['no subject', { policy: undefined }, ['draft.no-subject']],
    ['both subjects', { image: 'hp-kvm-sdcard' }, ['draft.no-subject']],
    ['image restore', { kind: 'image-restore', policy: undefined, image: 'hp-kvm-sdcard', paths: [] }, []],
    [
      'image restore in place',
      { kind: 'image-restore', policy: undefined, image: 'hp-kvm-sdcard', paths: [], target: 'in-place' },
      ['draft.in-place-image'],
    ],
    [
      'image of another site',
      { kind: 'image-restore', policy: undefined, image: 'grocery-pos-terminal', paths: [] },
      ['draft.wrong-site'],
    ],
    [
      'unknown image',
      { kind: 'image-restore', policy: undefined, image: 'nope', paths: [] },
      ['draft.unknown-image'],
    ],
    [
      'image restore of an older version',
      { kind: 'image-restore', policy: undefined, image: 'hp-kvm-sdcard', paths: [], snapshot: '2024.11' },
      ['draft.bad-version'],
    ],
    ['drill without a reason is fine', { kind: 'drill', paths: [], reason: '' }, []],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    const problems = validateDraft(inventory, draft(over));
    expect(problems.map((p) => p.code)).toEqual(expected);
    for (const p of problems) {
      expect(BOT_CATALOGUE).toHaveProperty([p.code]);
      // Messages never carry raw control characters back to Slack.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them
      expect(p.message).not.toMatch(/[\u0000-\u001f\u202e]/);
    }
  });
});

describe('path rules (the runner’s own, re-exported)', () => {
  it.each([
    ['/a', '/a'],
    ['/a/', '/a'],
    ['/a/../b', '/b'],
    ['/a//b/', '/a/b'],
    ['a', undefined],
    ['/a\u0000', undefined],
    ['/', '/'],
    ['/srv/x/./y', '/srv/x/y'],
    ['/srv/../..', '/'],
  ])('normalisePath(%j) is %j', (p, expected) => {
    expect(normalisePath(p)).toBe(expected);
  });
  it.each([
    ['/srv/x/y', ['/srv/x/'], true],
    ['/srv/x', ['/srv/x'], true],
    ['/srv/xy', ['/srv/x'], false],
    ['/b', ['/a'], false],
    ['/b/c', ['/a', '/b'], true],
    ['/anything', ['/'], true],
  ] as const)('insideSources(%j, %j) is %j', (p, sources, expected) => {
    expect(insideSources(p, sources)).toBe(expected);
  });
});
