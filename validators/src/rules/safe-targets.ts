import { type LoadedDocument, type PathSegment, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';
import { plainOrQuoted } from './support/file-ref.js';

// Restores, drills and runner state write files as root: a wrong directory overwrites the system or live data.

/** Writing anywhere below these damages the operating system; so does any top-level `lib*` (lib32, lib64, libx32). */
const SYSTEM_DIRS = new Set(['/bin', '/boot', '/dev', '/etc', '/proc', '/run', '/sbin', '/sys', '/usr']);
/** Shared roots: a subdirectory is fine, the directory itself mixes restored files with everything else. */
const SHARED_ROOTS = new Set(['/home', '/root', '/srv', '/opt', '/mnt', '/media', '/tmp', '/var']);
/** Below /var only lifeboat's own state and scratch directories under /var/tmp are writable. */
const VAR_ALLOWED = ['/var/lib/lifeboat'];
const VAR_SCRATCH = '/var/tmp';

const inside = (path: string, dir: string) =>
  path === dir || (path.length > dir.length && path.charCodeAt(dir.length) === 0x2f && path.startsWith(dir));
/** Strip one trailing slash so `/srv/restore/` and `/srv/restore` compare equal. */
const normalise = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/** Why `raw` is not a safe place to write, or undefined. Exported for the tests' table of paths. */
export const unsafeReason = (raw: string): string | undefined => {
  if (!raw.startsWith('/')) return 'is not an absolute path';
  if (raw.includes('//')) return 'contains "//"';
  const path = normalise(raw);
  if (/(^|\/)\.\.?(\/|$)/.test(path)) return 'contains "." or ".." segments; write the path out';
  if (path === '/') return 'is the root directory';
  if (SHARED_ROOTS.has(path)) return `is ${path} itself; use a subdirectory made for it`;
  const slash = path.indexOf('/', 1);
  const top = slash < 0 ? path : path.slice(0, slash);
  const system = SYSTEM_DIRS.has(top) || top.startsWith('/lib') ? top : undefined;
  if (system) return `is inside system directory ${plainOrQuoted(system)}`;
  if (
    inside(path, '/var') &&
    !VAR_ALLOWED.some((d) => inside(path, d)) &&
    !path.startsWith(`${VAR_SCRATCH}/`)
  ) {
    return 'is inside /var, where only /var/lib/lifeboat/… and /var/tmp/… are for lifeboat';
  }
  return undefined;
};

interface Target {
  path: PathSegment[];
  label: string;
  value: string;
}

export const safeTargets: Rule = {
  id: 'safe-targets',
  description:
    'Restore targets, drill sandboxes and runner directories are never /, system directories, shared roots, paths with . or .., or the data being backed up.',
  codes: {
    'path.unsafe-target': {
      title: 'Unsafe target directory',
      cause:
        'A restore alternate target, drill sandbox or runner directory is /, inside a system directory (/bin /boot /dev /etc /lib* /proc /run /sbin /sys /usr, /var outside /var/lib/lifeboat and /var/tmp/…), exactly a shared root (/home /root /srv /opt /mnt /media /tmp /var), has "." / ".." segments or "//", overlaps one of the policy\'s source paths, or contains the runner\'s state directory. Writing there as root could destroy the system or live data.',
      fix: 'Use a dedicated directory such as /srv/restore/<policy> or /var/lib/lifeboat/sandbox/<name>, apart from the backed-up paths.',
    },
  },
  check({ inventory, index }) {
    const problems: Problem[] = [];
    const report = (document: LoadedDocument, t: Target, why: string) =>
      problems.push(problemIn(document, t.path, 'path.unsafe-target', `${t.label} ${quote(t.value)} ${why}`));

    /** Each site's state directory, normalised, when it is itself safe (else that is reported on the site). */
    const stateDirs = new Map<string, string>();
    for (const [name, { value }] of index.sites) {
      const dir = value.spec.runner.stateDir;
      if (dir !== undefined && unsafeReason(dir) === undefined) stateDirs.set(name, normalise(dir));
    }

    /** Checks common to every target, plus: never contain the runner's state directory. */
    const checkTarget = (document: LoadedDocument, t: Target, stateDir: string | undefined): boolean => {
      const why = unsafeReason(t.value);
      if (why) {
        report(document, t, why);
        return false;
      }
      if (stateDir !== undefined && inside(stateDir, normalise(t.value))) {
        report(
          document,
          t,
          `contains the runner state directory ${quote(stateDir)}; a restore there could overwrite it`,
        );
        return false;
      }
      return true;
    };

    for (const { value, document } of inventory.sites) {
      const { runner } = value.spec;
      if (runner.stateDir !== undefined) {
        checkTarget(
          document,
          { path: ['spec', 'runner', 'stateDir'], label: 'runner state directory', value: runner.stateDir },
          undefined,
        );
      }
      if (runner.sandboxDir !== undefined) {
        checkTarget(
          document,
          {
            path: ['spec', 'runner', 'sandboxDir'],
            label: 'runner sandbox directory',
            value: runner.sandboxDir,
          },
          runner.stateDir !== undefined && unsafeReason(runner.stateDir) === undefined
            ? normalise(runner.stateDir)
            : undefined,
        );
      }
    }

    for (const { value, document } of inventory.policies) {
      const { spec } = value;
      const stateDir = stateDirs.get(spec.site);
      const targets: Target[] = [];
      if (spec.restore) {
        targets.push({
          path: ['spec', 'restore', 'alternateTarget'],
          label: 'alternate target',
          value: spec.restore.alternateTarget,
        });
      }
      if (spec.drill?.sandbox !== undefined) {
        targets.push({
          path: ['spec', 'drill', 'sandbox'],
          label: 'drill sandbox',
          value: spec.drill.sandbox,
        });
      }
      for (const t of targets) {
        if (!checkTarget(document, t, stateDir)) continue;
        const target = normalise(t.value);
        for (const source of spec.sources.paths) {
          const src = normalise(source);
          if (inside(target, src)) {
            report(
              document,
              t,
              `${target === src ? 'is' : 'is inside'} source path ${quote(source)}: restored files would overwrite live data and be backed up again`,
            );
            break;
          }
          if (inside(src, target)) {
            report(
              document,
              t,
              `contains source path ${quote(source)}: a restore there would overwrite live data`,
            );
            break;
          }
        }
      }
    }

    for (const { value, document } of inventory.images) {
      const sandbox = value.spec.drill?.sandbox;
      if (sandbox === undefined) continue;
      const stateDir = stateDirs.get(value.spec.site);
      checkTarget(
        document,
        { path: ['spec', 'drill', 'sandbox'], label: 'image drill sandbox', value: sandbox },
        stateDir,
      );
    }
    return problems;
  },
};
