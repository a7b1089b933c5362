// One parser for the `4h`, `1d12h` duration strings the schemas allow.

const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60 };

/** Seconds in a duration string, or undefined when it is not one. */
export const parseDuration = (text: string): number | undefined => {
  if (!/^([0-9]+[wdhm])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)([wdhm])/g))
    total += Number(n) * (UNIT_SECONDS[unit as string] ?? 0);
  return total;
};

/** 90061 → `1d 1h 1m`; whole minutes, for messages and pages. */
export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const parts: string[] = [];
  let rest = Math.round(seconds / 60);
  for (const [unit, size] of [
    ['d', 1440],
    ['h', 60],
    ['m', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ');
};
