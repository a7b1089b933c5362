import {
  type Entry,
  type LoadedDocument,
  type PathSegment,
  type Problem,
  problemIn,
  quote,
  type Site,
} from '@lifeboat/core';
import type { Rule } from './rule.js';
import { fileName } from './support/file-ref.js';
import { suggestName } from './support/nearest-name.js';

// Every name a policy or image mentions must lead somewhere: a dangling reference fails at 3 a.m., not in review.

interface SiteFacts {
  file: string;
  nas: string[];
  offsite: string[];
  approvers: Set<string>;
  requesters: Set<string>;
}

const factsOf = (entry: Entry<Site>): SiteFacts => ({
  file: fileName(entry.document.file),
  nas: entry.value.spec.nas.map((n) => n.name),
  offsite: (entry.value.spec.offsite ?? []).map((o) => o.name),
  approvers: new Set(entry.value.spec.access.approvers),
  requesters: new Set(entry.value.spec.access.requesters),
});

export const references: Rule = {
  id: 'references',
  description:
    'Sites, NAS targets, offsite remotes, image stores and approvers named by policies and images exist, and people are allowed at that site.',
  codes: {
    'ref.site': {
      title: 'Unknown site',
      cause: 'spec.site names a site that no file in sites/ defines.',
      fix: 'Correct the name (see the suggestion) or add the site in sites/.',
    },
    'ref.nas-target': {
      title: 'Unknown NAS target',
      cause:
        "spec.repository.target names a NAS target that is not in the policy's site (spec.nas of the site).",
      fix: "Use one of the site's NAS target names, or add the target to the site.",
    },
    'ref.offsite-remote': {
      title: 'Unknown offsite remote',
      cause:
        "spec.offsite.remote names a remote that is not in the policy's site (spec.offsite of the site).",
      fix: "Use one of the site's offsite remote names, or add the remote to the site.",
    },
    'ref.image-store': {
      title: 'Unknown image store',
      cause:
        'An image store names a site, NAS target or offsite remote that does not exist (primary and replicas: site + target; offsite: site + remote).',
      fix: 'Correct the store to an existing site and one of its NAS targets or offsite remotes.',
    },
    'ref.approver': {
      title: 'Approver or requester not allowed at the site',
      cause:
        "A restore approver (or an image approver) is not in the site's access.approvers, or a restore requester is in neither access.approvers nor access.requesters. The site's list is the one place that grants access.",
      fix: "Add the person to the site's access lists first (a reviewed change to sites/), or remove them here.",
    },
  },
  check({ inventory, index }) {
    const problems: Problem[] = [];
    const siteNames = [...index.sites.keys()];
    const facts = new Map<string, SiteFacts>();
    for (const [name, entry] of index.sites) facts.set(name, factsOf(entry));
    const suggestions = new Map<string, string>();
    const siteSuggestion = (name: string) => {
      let s = suggestions.get(name);
      if (s === undefined) {
        s = suggestName(name, siteNames, 'site');
        suggestions.set(name, s);
      }
      return s;
    };

    const report = (document: LoadedDocument, path: PathSegment[], code: string, message: string) =>
      problems.push(problemIn(document, path, code, message));

    const checkPeople = (
      document: LoadedDocument,
      siteName: string,
      site: SiteFacts,
      list: readonly string[] | undefined,
      path: PathSegment[],
      role: 'approver' | 'requester',
    ) => {
      (list ?? []).forEach((id, i) => {
        const allowed = site.approvers.has(id) || (role === 'requester' && site.requesters.has(id));
        if (allowed) return;
        report(
          document,
          [...path, i],
          'ref.approver',
          role === 'approver'
            ? `${quote(id)} is not an approver of site ${quote(siteName)} (access.approvers in ${site.file})`
            : `${quote(id)} is neither an approver nor a requester of site ${quote(siteName)} (access in ${site.file})`,
        );
      });
    };

    for (const { value, document } of inventory.policies) {
      const { spec } = value;
      const site = facts.get(spec.site);
      if (!site) {
        report(
          document,
          ['spec', 'site'],
          'ref.site',
          `site ${quote(spec.site)} is not defined${siteSuggestion(spec.site)}`,
        );
        continue;
      }
      if (!site.nas.includes(spec.repository.target)) {
        report(
          document,
          ['spec', 'repository', 'target'],
          'ref.nas-target',
          `NAS target ${quote(spec.repository.target)} is not defined in site ${quote(spec.site)}${suggestName(spec.repository.target, site.nas, 'NAS target')}`,
        );
      }
      if (spec.offsite && !site.offsite.includes(spec.offsite.remote)) {
        report(
          document,
          ['spec', 'offsite', 'remote'],
          'ref.offsite-remote',
          `offsite remote ${quote(spec.offsite.remote)} is not defined in site ${quote(spec.site)}${suggestName(spec.offsite.remote, site.offsite, 'offsite remote')}`,
        );
      }
      if (spec.restore) {
        checkPeople(
          document,
          spec.site,
          site,
          spec.restore.approvers,
          ['spec', 'restore', 'approvers'],
          'approver',
        );
        checkPeople(
          document,
          spec.site,
          site,
          spec.restore.requesters,
          ['spec', 'restore', 'requesters'],
          'requester',
        );
      }
    }

    for (const { value, document } of inventory.images) {
      const { spec } = value;
      const site = facts.get(spec.site);
      if (site) checkPeople(document, spec.site, site, spec.approvers, ['spec', 'approvers'], 'approver');
      else
        report(
          document,
          ['spec', 'site'],
          'ref.site',
          `site ${quote(spec.site)} is not defined${siteSuggestion(spec.site)}`,
        );

      const stores: Array<{ at: PathSegment[]; site: string; target?: string; remote?: string }> = [
        {
          at: ['spec', 'stores', 'primary'],
          site: spec.stores.primary.site,
          target: spec.stores.primary.target,
        },
        ...(spec.stores.replicas ?? []).map((s, i) => ({
          at: ['spec', 'stores', 'replicas', i],
          site: s.site,
          target: s.target,
        })),
        ...(spec.stores.offsite ?? []).map((s, i) => ({
          at: ['spec', 'stores', 'offsite', i],
          site: s.site,
          remote: s.remote,
        })),
      ];
      for (const store of stores) {
        const storeSite = facts.get(store.site);
        if (!storeSite) {
          report(
            document,
            [...store.at, 'site'],
            'ref.image-store',
            `store site ${quote(store.site)} is not defined${siteSuggestion(store.site)}`,
          );
        } else if (store.target !== undefined && !storeSite.nas.includes(store.target)) {
          report(
            document,
            [...store.at, 'target'],
            'ref.image-store',
            `NAS target ${quote(store.target)} is not defined in site ${quote(store.site)}${suggestName(store.target, storeSite.nas, 'NAS target')}`,
          );
        } else if (store.remote !== undefined && !storeSite.offsite.includes(store.remote)) {
          report(
            document,
            [...store.at, 'remote'],
            'ref.image-store',
            `offsite remote ${quote(store.remote)} is not defined in site ${quote(store.site)}${suggestName(store.remote, storeSite.offsite, 'offsite remote')}`,
          );
        }
      }
    }
    return problems;
  },
};
