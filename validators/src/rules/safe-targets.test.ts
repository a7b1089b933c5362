import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { safeTargets, unsafeReason } from './safe-targets.js';

const S = 'sites/lisle.yaml';
const P = 'policies/office-share.yaml';
const I = 'images/ws-golden.yaml';

describe('unsafeReason', () => {
  it('allows dedicated directories, including lifeboat state under /var/lib and scratch under /var/tmp and /tmp', () => {
    for (const path of [
      '/srv/restore/office',
      '/srv/restore/office/',
      '/var/lib/lifeboat',
      '/var/lib/lifeboat/sandbox/x',
      '/var/tmp/lifeboat-drill',
      '/tmp/drill',
      '/home/restore',
      '/mnt/restore',
      '/data/restore',
      '/srv/library',
    ]) {
      expect([path, unsafeReason(path)]).toEqual([path, undefined]);
    }
  });

  it('refuses /, system directories, /var outside lifeboat, shared roots, dot segments and //', () => {
    const cases: Array<[string, RegExp]> = [
      ['/', /root directory/],
      ['/etc', /system directory \/etc$/],
      ['/etc/lifeboat/restore', /system directory \/etc$/],
      ['/usr/local/restore', /system directory \/usr$/],
      ['/lib64/x', /system directory \/lib64$/],
      ['/lib', /system directory \/lib$/],
      // Any top-level lib* directory counts: distributions add their own (libx32, libexec).
      ['/library-restore', /system directory \/library-restore$/],
      ['/boot/efi', /system directory \/boot$/],
      ['/run/lifeboat', /system directory \/run$/],
      ['/var/lib/mysql', /inside \/var/],
      ['/var/lib/lifeboatx', /inside \/var/],
      ['/var/tmp', /is \/var\/tmp|inside \/var/],
      ['/var', /is \/var itself/],
      ['/tmp', /is \/tmp itself/],
      ['/home/', /is \/home itself/],
      ['/srv', /is \/srv itself/],
      ['/opt', /is \/opt itself/],
      ['/root', /is \/root itself/],
      ['/media', /is \/media itself/],
      ['/mnt', /is \/mnt itself/],
      ['/srv/restore/../../etc', /"\." or "\.\." segments/],
      ['/srv/./restore', /"\." or "\.\." segments/],
      ['/srv//restore', /"\/\/"/],
      ['relative/path', /not an absolute path/],
    ];
    for (const [path, reason] of cases)
      expect([path, unsafeReason(path)]).toEqual([path, expect.stringMatching(reason)]);
  });
});

describe('safe-targets', () => {
  it('accepts the valid site, policy and image', () => {
    expect(runRule(safeTargets, inventoryFiles())).toEqual([]);
  });

  it('path.unsafe-target: runner state and sandbox directories of a site', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.runner.stateDir = '/var/lib/../lifeboat';
        s.spec.runner.sandboxDir = '/tmp';
      }),
    );
    expect(runRule(safeTargets, files)).toEqual([
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, S, 'stateDir: /var', '/var'),
        path: 'spec.runner.stateDir',
        message:
          'runner state directory "/var/lib/../lifeboat" contains "." or ".." segments; write the path out',
      },
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, S, 'sandboxDir: /tmp', '/tmp'),
        path: 'spec.runner.sandboxDir',
        message: 'runner sandbox directory "/tmp" is /tmp itself; use a subdirectory made for it',
      },
    ]);
  });

  it('path.unsafe-target: a runner sandbox that contains the runner state directory', () => {
    const files = inventoryFiles(
      site(
        (s) =>
          void Object.assign(s.spec.runner, {
            stateDir: '/srv/lifeboat/state/',
            sandboxDir: '/srv/lifeboat',
          }),
      ),
    );
    expect(runRule(safeTargets, files)).toEqual([
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, S, 'sandboxDir: /srv/lifeboat', '/srv'),
        path: 'spec.runner.sandboxDir',
        message:
          'runner sandbox directory "/srv/lifeboat" contains the runner state directory "/srv/lifeboat/state"; a restore there could overwrite it',
      },
    ]);
  });

  it('path.unsafe-target: a system directory as alternate target, a drill sandbox inside a source path', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        if (p.spec.restore) p.spec.restore.alternateTarget = '/etc/restore';
        if (p.spec.drill) p.spec.drill.sandbox = '/srv/shares/office/.drill';
      }),
    );
    expect(runRule(safeTargets, files)).toEqual([
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, P, 'alternateTarget: /etc/restore', '/etc'),
        path: 'spec.restore.alternateTarget',
        message: 'alternate target "/etc/restore" is inside system directory /etc',
      },
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, P, 'sandbox: /srv/shares/office/.drill', '/srv'),
        path: 'spec.drill.sandbox',
        message:
          'drill sandbox "/srv/shares/office/.drill" is inside source path "/srv/shares/office": restored files would overwrite live data and be backed up again',
      },
    ]);
  });

  it('path.unsafe-target: an alternate target equal to or containing a source path', () => {
    const equal = inventoryFiles(
      site(),
      policy((p) => {
        if (p.spec.restore) p.spec.restore.alternateTarget = '/srv/shares/office/';
      }),
    );
    expect(runRule(safeTargets, equal)).toMatchObject([
      {
        code: 'path.unsafe-target',
        ...at(equal, P, 'alternateTarget: /srv/shares/office/', '/srv'),
        path: 'spec.restore.alternateTarget',
        message:
          'alternate target "/srv/shares/office/" is source path "/srv/shares/office": restored files would overwrite live data and be backed up again',
      },
    ]);
    const containing = inventoryFiles(
      site(),
      policy((p) => {
        if (p.spec.restore) p.spec.restore.alternateTarget = '/srv/shares';
      }),
    );
    expect(runRule(safeTargets, containing)).toMatchObject([
      {
        code: 'path.unsafe-target',
        ...at(containing, P, 'alternateTarget: /srv/shares', '/srv'),
        path: 'spec.restore.alternateTarget',
        message:
          'alternate target "/srv/shares" contains source path "/srv/shares/office": a restore there would overwrite live data',
      },
    ]);
  });

  it("path.unsafe-target: an image drill sandbox that is the site runner's state directory", () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        if (i.spec.drill) i.spec.drill.sandbox = '/var/lib/lifeboat';
      }),
    );
    expect(runRule(safeTargets, files)).toEqual([
      {
        code: 'path.unsafe-target',
        severity: 'error',
        ...at(files, I, 'sandbox: /var/lib/lifeboat\n', '/var'),
        path: 'spec.drill.sandbox',
        message:
          'image drill sandbox "/var/lib/lifeboat" contains the runner state directory "/var/lib/lifeboat"; a restore there could overwrite it',
      },
    ]);
  });
});
