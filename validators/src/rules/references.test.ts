import { describe, expect, it } from 'vitest';
import { APPROVER, image, inventoryFiles, policy, REQUESTER, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { references } from './references.js';

const P = 'policies/office-share.yaml';
const I = 'images/ws-golden.yaml';

describe('references', () => {
  it('accepts a policy and an image whose site, targets, remotes, stores and people all resolve', () => {
    expect(runRule(references, inventoryFiles())).toEqual([]);
  });

  it('accepts a requester who is a site approver, and stores at another site', () => {
    const portage = site((s) => {
      s.metadata.name = 'portage';
      s.spec.nas[0] = { ...s.spec.nas[0], name: 'nas-portage' } as (typeof s.spec.nas)[0];
    });
    const files = inventoryFiles(
      site(),
      portage,
      policy((p) => {
        p.spec.restore = {
          ...p.spec.restore,
          approval: 'required',
          alternateTarget: '/srv/restore/x',
          requesters: [APPROVER],
        };
      }),
      image((i) => {
        i.spec.stores.replicas = [{ site: 'portage', target: 'nas-portage', path: 'images/ws' }];
      }),
    );
    expect(runRule(references, files)).toEqual([]);
  });

  it('ref.site: a policy on an unknown site, with the nearest site suggested', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.site = 'lisel';
      }),
    );
    expect(runRule(references, files)).toEqual([
      {
        code: 'ref.site',
        severity: 'error',
        ...at(files, P, 'site: lisel', 'lisel'),
        path: 'spec.site',
        message: 'site "lisel" is not defined; did you mean "lisle"?',
      },
    ]);
  });

  it('ref.site: an image on an unknown site with no close name lists the known sites', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.site = 'grocery-store-12';
      }),
    );
    expect(runRule(references, files)).toEqual([
      {
        code: 'ref.site',
        severity: 'error',
        ...at(files, I, 'site: grocery-store-12', 'grocery'),
        path: 'spec.site',
        message: 'site "grocery-store-12" is not defined; known sites: "lisle"',
      },
    ]);
  });

  it('ref.nas-target: a repository target the site does not have', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.repository.target = 'nas2';
      }),
    );
    expect(runRule(references, files)).toEqual([
      {
        code: 'ref.nas-target',
        severity: 'error',
        ...at(files, P, 'target: nas2', 'nas2'),
        path: 'spec.repository.target',
        message: 'NAS target "nas2" is not defined in site "lisle"; did you mean "nas1"?',
      },
    ]);
  });

  it('ref.offsite-remote: an offsite remote the site does not have', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.offsite = { remote: 'glacier', schedule: { cron: '0 4 * * *' } };
      }),
    );
    expect(runRule(references, files)).toEqual([
      {
        code: 'ref.offsite-remote',
        severity: 'error',
        ...at(files, P, 'remote: glacier', 'glacier'),
        path: 'spec.offsite.remote',
        message: 'offsite remote "glacier" is not defined in site "lisle"; known offsite remotes: "cloud"',
      },
    ]);
  });

  it('ref.image-store: unknown store site, unknown replica target, unknown offsite remote', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.stores.primary.site = 'lisl';
        i.spec.stores.replicas = [{ site: 'lisle', target: 'nas9', path: 'images/copy' }];
        i.spec.stores.offsite = [{ site: 'lisle', remote: 'clod' }];
      }),
    );
    expect(runRule(references, files)).toEqual([
      {
        code: 'ref.image-store',
        severity: 'error',
        ...at(files, I, 'site: lisl\n', 'lisl'),
        path: 'spec.stores.primary.site',
        message: 'store site "lisl" is not defined; did you mean "lisle"?',
      },
      {
        code: 'ref.image-store',
        severity: 'error',
        ...at(files, I, 'target: nas9', 'nas9'),
        path: 'spec.stores.replicas[0].target',
        message: 'NAS target "nas9" is not defined in site "lisle"; did you mean "nas1"?',
      },
      {
        code: 'ref.image-store',
        severity: 'error',
        ...at(files, I, 'remote: clod', 'clod'),
        path: 'spec.stores.offsite[0].remote',
        message: 'offsite remote "clod" is not defined in site "lisle"; did you mean "cloud"?',
      },
    ]);
  });

  it('ref.approver: restore approvers must be site approvers, requesters approvers or requesters, image approvers too', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.restore = {
          approval: 'required',
          approvers: [APPROVER, REQUESTER],
          requesters: [REQUESTER, 'U0STRANGER'],
          alternateTarget: '/srv/restore/office-share',
        };
      }),
      image((i) => {
        i.spec.approvers = ['W0OUTSIDER'];
      }),
    );
    const problems = runRule(references, files);
    expect(problems).toEqual([
      {
        code: 'ref.approver',
        severity: 'error',
        ...at(files, P, `- ${REQUESTER}\n    requesters`, REQUESTER),
        path: 'spec.restore.approvers[1]',
        message: `"${REQUESTER}" is not an approver of site "lisle" (access.approvers in sites/lisle.yaml)`,
      },
      {
        code: 'ref.approver',
        severity: 'error',
        ...at(files, P, '- U0STRANGER', 'U0STRANGER'),
        path: 'spec.restore.requesters[1]',
        message:
          '"U0STRANGER" is neither an approver nor a requester of site "lisle" (access in sites/lisle.yaml)',
      },
      {
        code: 'ref.approver',
        severity: 'error',
        ...at(files, I, '- W0OUTSIDER', 'W0OUTSIDER'),
        path: 'spec.approvers[0]',
        message: '"W0OUTSIDER" is not an approver of site "lisle" (access.approvers in sites/lisle.yaml)',
      },
    ]);
  });
});
