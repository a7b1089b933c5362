import {
  type BackupPolicy,
  type Entry,
  type PathSegment,
  type Problem,
  problemIn,
  quote,
} from '@lifeboat/core';
import type { Rule } from './rule.js';
import { fileRef } from './support/file-ref.js';

// restic forget selects snapshots by --host/--tag; in a shared repository an unscoped forget applies
// one policy's retention to another's snapshots and deletes them.

/**
 * Would `policy`'s forget (run with its --host and --tag) select snapshots that `other` creates?
 * A policy without a host gets the runner's hostname, which may be anyone's, so only two different
 * explicit hosts keep them apart; tags keep them apart when `other` lacks one of `policy`'s tags.
 */
const selects = (policy: BackupPolicy['spec'], other: BackupPolicy['spec']): boolean => {
  if (policy.host !== undefined && other.host !== undefined && policy.host !== other.host) return false;
  const tags = policy.tags ?? [];
  if (tags.length > 0) {
    const theirs = new Set(other.tags ?? []);
    if (tags.some((t) => !theirs.has(t))) return false;
  }
  return true;
};

/**
 * The policies of one repository that `policy`'s forget could reach, narrowed through indexes by
 * host and by tag, so a repository shared by many scoped policies is not compared pair by pair.
 */
const candidateIndex = (group: Entry<BackupPolicy>[]) => {
  const byHost = new Map<string, Entry<BackupPolicy>[]>();
  const byTag = new Map<string, Entry<BackupPolicy>[]>();
  const noHost: Entry<BackupPolicy>[] = [];
  const add = (map: Map<string, Entry<BackupPolicy>[]>, key: string, entry: Entry<BackupPolicy>) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  for (const entry of group) {
    const { host, tags } = entry.value.spec;
    if (host === undefined) noHost.push(entry);
    else add(byHost, host, entry);
    for (const tag of tags ?? []) add(byTag, tag, entry);
  }
  return (policy: BackupPolicy['spec']): Entry<BackupPolicy>[] => {
    let best = group;
    // Only policies with the same host, or none, can be reached by a forget with --host.
    if (policy.host !== undefined) best = [...(byHost.get(policy.host) ?? []), ...noHost];
    // Only policies carrying every one of the tags can be reached by a forget with --tag.
    for (const tag of policy.tags ?? []) {
      const carrying = byTag.get(tag) ?? [];
      if (carrying.length < best.length) best = carrying;
    }
    return best;
  };
};

export const forgetScope: Rule = {
  id: 'forget-scope',
  description:
    "Policies sharing one repository are each scoped by a host or tags that keep their forget away from the others' snapshots.",
  codes: {
    'forget.unscoped-shared-repo': {
      title: 'Forget not scoped in a shared repository',
      cause:
        "Two or more policies use the same repository (site + NAS target + path), and one of them has no host or tags that the other's snapshots lack. restic forget would then apply this policy's retention to the other policy's snapshots and delete them.",
      fix: 'Give each policy sharing the repository its own spec.host, or a tag the others do not carry; or give each policy its own repository path.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    const byRepository = new Map<string, Entry<BackupPolicy>[]>();
    for (const entry of inventory.policies) {
      const { site, repository } = entry.value.spec;
      const key = `${site}\u0000${repository.target}\u0000${repository.path}`;
      const group = byRepository.get(key);
      if (group) group.push(entry);
      else byRepository.set(key, [entry]);
    }
    for (const group of byRepository.values()) {
      if (group.length < 2) continue;
      const candidates = candidateIndex(group);
      for (const entry of group) {
        const { spec } = entry.value;
        const victim = candidates(spec).find((other) => other !== entry && selects(spec, other.value.spec));
        if (!victim) continue;
        // Point at the scoping that failed to separate them: tags first (the usual fix), then host.
        const where: PathSegment[] =
          spec.tags !== undefined
            ? ['spec', 'tags']
            : spec.host !== undefined
              ? ['spec', 'host']
              : ['spec', 'repository', 'path'];
        const repo = `${spec.repository.target}/${spec.repository.path}`;
        problems.push(
          problemIn(
            entry.document,
            where,
            'forget.unscoped-shared-repo',
            `repository ${quote(repo)} at site ${quote(spec.site)} is shared with policy ${quote(victim.value.metadata.name)} (${fileRef(victim.document, ['metadata', 'name'])}), and this policy's forget would delete its snapshots: set a host or tag the other policy does not share`,
          ),
        );
      }
    }
    return problems;
  },
};
