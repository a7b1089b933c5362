import type { FieldChange } from './types.js';

// Field-by-field difference of two plain YAML values; named list items are matched by name so a reorder or an
// insertion reads as what it is instead of a cascade of index changes.

type Segment = string | number | { name: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const formatSegments = (segments: readonly Segment[]): string =>
  segments.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    if (typeof seg === 'object') return `${out}[name=${JSON.stringify(seg.name)}]`;
    return /^[A-Za-z_$][\w$-]*$/.test(seg) ? (out ? `${out}.${seg}` : seg) : `${out}[${JSON.stringify(seg)}]`;
  }, '');

/** Items can be matched by name when every item on both sides has a string `name`, unique on its side. */
const namesOf = (list: readonly unknown[]): string[] | undefined => {
  const names: string[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') return undefined;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : undefined;
};

const sameScalar = (a: unknown, b: unknown): boolean => Object.is(a, b);

const walk = (before: unknown, after: unknown, path: Segment[], out: FieldChange[]): void => {
  if (isRecord(before) && isRecord(after)) {
    // Head's key order first, then keys only the base had: the output follows the file a reviewer reads.
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key))
        out.push({ path: formatSegments([...path, key]), change: 'added', after: after[key] });
      else walk(before[key], after[key], [...path, key], out);
    }
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key))
        out.push({ path: formatSegments([...path, key]), change: 'removed', before: before[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const beforeNames = namesOf(before);
    const afterNames = namesOf(after);
    if (beforeNames && afterNames && (before.length > 0 || after.length > 0)) {
      const beforeByName = new Map(beforeNames.map((n, i) => [n, before[i]]));
      const afterSet = new Set(afterNames);
      afterNames.forEach((name, i) => {
        const seg = { name };
        if (!beforeByName.has(name))
          out.push({ path: formatSegments([...path, seg]), change: 'added', after: after[i] });
        else walk(beforeByName.get(name), after[i], [...path, seg], out);
      });
      for (const [name, item] of beforeByName) {
        if (!afterSet.has(name))
          out.push({ path: formatSegments([...path, { name }]), change: 'removed', before: item });
      }
      return;
    }
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) walk(before[i], after[i], [...path, i], out);
    for (let i = common; i < after.length; i++)
      out.push({ path: formatSegments([...path, i]), change: 'added', after: after[i] });
    for (let i = common; i < before.length; i++)
      out.push({ path: formatSegments([...path, i]), change: 'removed', before: before[i] });
    return;
  }
  if (
    isRecord(before) ||
    isRecord(after) ||
    Array.isArray(before) ||
    Array.isArray(after) ||
    !sameScalar(before, after)
  ) {
    out.push({ path: formatSegments(path), change: 'changed', before, after });
  }
};

/** Every field that differs between two documents' values, in reading order. */
export const fieldChanges = (before: unknown, after: unknown): FieldChange[] => {
  const out: FieldChange[] = [];
  walk(before, after, [], out);
  return out;
};
