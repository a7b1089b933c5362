import { posix } from 'node:path';

// The same path rules the runner's restore applies (runners/src/jobs/restore.ts normalisePath/insideSources),
// checked in the bot too so a bad path is refused in Slack before anything is dispatched. Kept identical by
// a test that compares both on the same table; the runner re-checks either way.

/** A path normalised, or undefined when it is not absolute or not a plain path. */
export const normalisePath = (p: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!p.startsWith('/') || /[\u0000-\u001f\u007f]/.test(p)) return undefined;
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
};

/** True when `p` is one of the sources or lies below one. */
export const insideSources = (p: string, sources: readonly string[]): boolean =>
  sources.some((s) => {
    const src = normalisePath(s);
    return src !== undefined && (p === src || src === '/' || p.startsWith(`${src}/`));
  });
