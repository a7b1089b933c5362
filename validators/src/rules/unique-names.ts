import { type LoadedDocument, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';
import { fileRef } from './support/file-ref.js';

// Two objects of one kind with one name make every reference to that name ambiguous.

const KINDS = new Set(['Site', 'BackupPolicy', 'Image']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const uniqueNames: Rule = {
  id: 'unique-names',
  description: 'A name is used by one Site, one BackupPolicy and one Image at most.',
  codes: {
    'names.duplicate': {
      title: 'Duplicate name',
      cause:
        'Two files declare the same kind with the same metadata.name. References, runs and run records are keyed by name, so only one of them would be used.',
      fix: 'Rename one of the objects (and the references to it), or delete the copy.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    const first = new Map<string, LoadedDocument>();
    // Documents, not typed entries: a copy that also fails the schema is still a duplicate worth naming.
    for (const document of inventory.documents) {
      const value = document.value;
      if (!isRecord(value) || !isRecord(value.metadata)) continue;
      const { kind } = value;
      const { name } = value.metadata;
      if (typeof kind !== 'string' || !KINDS.has(kind) || typeof name !== 'string') continue;
      const key = `${kind}\u0000${name}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, document);
        continue;
      }
      problems.push(
        problemIn(
          document,
          ['metadata', 'name'],
          'names.duplicate',
          `${kind} ${quote(name)} is already defined at ${fileRef(earlier, ['metadata', 'name'])}`,
        ),
      );
    }
    return problems;
  },
};
