import type { BackupPolicy } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { forgetScope } from './forget-scope.js';

/** A second policy in the same repository as the valid one, with its own sources and scoping. */
const sharing = (
  name: string,
  scope: { host?: string; tags?: string[] },
  change?: (p: BackupPolicy) => void,
) =>
  policy((p) => {
    p.metadata.name = name;
    p.spec.sources.paths = [`/srv/${name}`];
    p.spec.restore = undefined;
    p.spec.drill = { schedule: { cron: '0 1 1 * *' }, kind: 'full' };
    delete p.spec.host;
    delete p.spec.tags;
    Object.assign(p.spec, scope);
    change?.(p);
  });

describe('forget-scope', () => {
  it('accepts policies sharing a repository with different hosts, or with tags the other lacks', () => {
    const byHost = inventoryFiles(
      site(),
      sharing('alpha', { host: 'alpha' }),
      sharing('beta', { host: 'beta' }),
    );
    expect(runRule(forgetScope, byHost)).toEqual([]);
    const byTag = inventoryFiles(
      site(),
      sharing('alpha', { host: 'files', tags: ['alpha'] }),
      sharing('beta', { host: 'files', tags: ['beta'] }),
    );
    expect(runRule(forgetScope, byTag)).toEqual([]);
  });

  it('accepts unscoped policies in different repositories (another path, target or site)', () => {
    const files = inventoryFiles(
      site(),
      sharing('alpha', {}),
      sharing('beta', {}, (p) => {
        p.spec.repository.path = 'beta';
      }),
    );
    expect(runRule(forgetScope, files)).toEqual([]);
  });

  it('forget.unscoped-shared-repo: two unscoped policies would each delete the other’s snapshots', () => {
    const files = inventoryFiles(site(), sharing('alpha', {}), sharing('beta', {}));
    const alpha = 'policies/alpha.yaml';
    const beta = 'policies/beta.yaml';
    expect(runRule(forgetScope, files)).toEqual([
      {
        code: 'forget.unscoped-shared-repo',
        severity: 'error',
        ...at(files, alpha, 'path: office-share', 'office-share'),
        path: 'spec.repository.path',
        message: `repository "nas1/office-share" at site "lisle" is shared with policy "beta" (${beta}:${at(files, beta, 'name: beta').line}), and this policy's forget would delete its snapshots: set a host or tag the other policy does not share`,
      },
      {
        code: 'forget.unscoped-shared-repo',
        severity: 'error',
        ...at(files, beta, 'path: office-share', 'office-share'),
        path: 'spec.repository.path',
        message: expect.stringContaining(`shared with policy "alpha" (${alpha}:`),
      },
    ]);
  });

  it('forget.unscoped-shared-repo: the same host, or a host against a policy without one', () => {
    const files = inventoryFiles(
      site(),
      sharing('alpha', { host: 'files' }),
      sharing('beta', { host: 'files' }),
      sharing('gamma', { host: 'other' }),
      sharing('delta', {}, (p) => {
        p.spec.repository.path = 'delta';
      }),
      sharing('epsilon', { host: 'other' }, (p) => {
        p.spec.repository.path = 'delta';
      }),
    );
    const problems = runRule(forgetScope, files);
    expect(
      problems.map((p) => ({ code: p.code, file: p.file, line: p.line, col: p.col, path: p.path })),
    ).toEqual([
      {
        code: 'forget.unscoped-shared-repo',
        ...at(files, 'policies/alpha.yaml', 'host: files', 'files'),
        path: 'spec.host',
      },
      {
        code: 'forget.unscoped-shared-repo',
        ...at(files, 'policies/beta.yaml', 'host: files', 'files'),
        path: 'spec.host',
      },
      {
        code: 'forget.unscoped-shared-repo',
        ...at(files, 'policies/delta.yaml', 'path: delta', 'delta'),
        path: 'spec.repository.path',
      },
      {
        code: 'forget.unscoped-shared-repo',
        ...at(files, 'policies/epsilon.yaml', 'host: other', 'other'),
        path: 'spec.host',
      },
    ]);
    // gamma's host differs from alpha's and beta's explicit hosts: its forget cannot reach them.
    expect(problems.some((p) => p.file === 'policies/gamma.yaml')).toBe(false);
  });

  it('forget.unscoped-shared-repo: tags that are a subset of the other policy’s tags do not separate them', () => {
    const files = inventoryFiles(
      site(),
      sharing('alpha', { host: 'files', tags: ['office'] }),
      sharing('beta', { host: 'files', tags: ['office', 'beta'] }),
    );
    expect(runRule(forgetScope, files)).toEqual([
      {
        code: 'forget.unscoped-shared-repo',
        severity: 'error',
        ...at(files, 'policies/alpha.yaml', 'tags:\n    - office', '-'),
        path: 'spec.tags',
        message: expect.stringContaining('shared with policy "beta"'),
      },
    ]);
  });

  it('forget.unscoped-shared-repo: among many scoped policies, only the ones a forget can reach are reported', () => {
    const scoped = Array.from({ length: 40 }, (_, i) =>
      sharing(`host-${i}`, { host: `host-${i}`, tags: ['office'] }),
    );
    // No host: its snapshots carry whatever the runner's hostname is, so a tag alone must keep it apart.
    const roaming = sharing('roaming', { tags: ['office', 'laptops'] });
    const files = inventoryFiles(site(), ...scoped, roaming);
    const problems = runRule(forgetScope, files);
    // Every host-scoped policy's forget (--host host-N --tag office) can reach the roaming one's
    // snapshots; the roaming forget (--tag office,laptops) reaches none of theirs.
    expect(problems).toHaveLength(40);
    expect(
      problems.every((p) => p.path === 'spec.tags' && p.message.includes('shared with policy "roaming"')),
    ).toBe(true);
    expect(problems.some((p) => p.file === 'policies/roaming.yaml')).toBe(false);
    expect(problems[0]).toMatchObject({
      code: 'forget.unscoped-shared-repo',
      ...at(files, 'policies/host-0.yaml', 'tags:\n    - office', '-'),
    });
  });
});
