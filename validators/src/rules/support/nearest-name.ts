import { quote } from '@lifeboat/core';

// "Did you mean …?" for dangling references: a typo should cost one glance, not a search.

/** Levenshtein distance (insert, delete, substitute: one edit each); `lifeboat explain` ranks codes by it too. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
};

/** The closest candidate within a few edits (a third of the name, at least 2), or undefined. */
export const nearestName = (name: string, candidates: Iterable<string>): string | undefined => {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // Names far apart in length cannot be within the limit; skip the quadratic work.
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
};

/** `; did you mean "lisle"?` or, when nothing is close, the known names (at most five), or ''. */
export const suggestName = (name: string, candidates: readonly string[], noun: string): string => {
  const near = nearestName(name, candidates);
  if (near !== undefined) return `; did you mean ${quote(near)}?`;
  if (candidates.length === 0) return `; there are no ${noun}s`;
  const shown = candidates.slice(0, 5).map((c) => quote(c));
  return `; known ${noun}s: ${shown.join(', ')}${candidates.length > 5 ? ', …' : ''}`;
};
