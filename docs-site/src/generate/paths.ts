import { posix } from 'node:path';

// Where each page lives in the docs tree, in one place: pages link to each other only through these.

export const PAGE = {
  home: 'index.md',
  newHire: 'new-hire.md',
  status: 'status.md',
  troubleshooting: 'troubleshooting.md',
  site: (site: string) => `sites/${site}/index.md`,
  recovery: (site: string) => `sites/${site}/recovery.md`,
  policy: (policy: string) => `policies/${policy}.md`,
  image: (image: string) => `images/${image}.md`,
  sop: (name: SopName) => `sops/${name}.md`,
  runbook: (file: string) => `runbooks/${file}`,
} as const;

export const SOPS = ['office-imaging', 'storage-and-backup', 'kvm-imaging'] as const;
export type SopName = (typeof SOPS)[number];

/** The relative link from page `from` to page `to` (both relative to the docs root), with .md kept. */
export const relativeLink = (from: string, to: string): string => {
  const rel = posix.relative(posix.dirname(from), to);
  return rel.startsWith('.') ? rel : `./${rel}`;
};
