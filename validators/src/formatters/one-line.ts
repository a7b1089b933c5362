// Problem text comes from untrusted files: nothing in it may colour a terminal, move its cursor or start a new line.

const NAMED: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r' };

/** C0/C1 controls, DEL, line/paragraph separators and bidirectional overrides ("Trojan Source"). */
const isUnsafe = (c: number): boolean =>
  c < 0x20 ||
  (c >= 0x7f && c <= 0x9f) ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069) ||
  c === 0x200e ||
  c === 0x200f ||
  c === 0x061c;

/**
 * Escape every character that could change how a terminal or log shows the output.
 * `keep` lists characters the caller escapes its own way (GitHub's %0A for newlines).
 */
export const oneLine = (text: string, keep: readonly string[] = []): string => {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isUnsafe(c) || keep.includes(text[i] as string)) continue;
    out += text.slice(start, i) + (NAMED[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
};

/**
 * For serialised JSON: JSON.stringify escapes C0 controls but leaves DEL, C1 (U+009B is a CSI to
 * many terminals), line separators and bidi overrides raw. Outside strings JSON is plain ASCII,
 * so any such character is inside a string and its `\uXXXX` form means the same value.
 */
export const escapeJsonText = (json: string): string => {
  let out = '';
  let start = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c < 0x20 || !isUnsafe(c)) continue;
    out += `${json.slice(start, i)}\\u${c.toString(16).padStart(4, '0')}`;
    start = i + 1;
  }
  return start === 0 ? json : out + json.slice(start);
};
