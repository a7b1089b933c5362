import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from 'yaml';
import { formatPath, type PathSegment, type Problem, quote } from '../problem/index.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';

/** A file as read from disk or from a git tree: the loader never touches the filesystem itself. */
export interface SourceFile {
  /** Display path, relative to the inventory root, forward slashes. */
  path: string;
  content: Uint8Array | string;
}

/** A parsed YAML document that can answer "where is this path?" for any problem. */
export interface LoadedDocument {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain JS value of the document (null for an empty document). */
  value: unknown;
}

export type LoadResult = { ok: true; document: LoadedDocument; problems: Problem[] } | { ok: false; problems: Problem[] };

const decoder = new TextDecoder('utf-8', { fatal: true });

const problemAt = (file: string, line: number, col: number, code: string, message: string, path = ''): Problem => ({
  code,
  severity: 'error',
  message,
  file,
  line,
  col,
  path,
});

/** Binary junk: NUL or C0 control characters other than tab, newline, carriage return. */
const findControlChar = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
};

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'yaml.duplicate-key',
  MULTIPLE_DOCS: 'yaml.multiple-documents',
  TAB_AS_INDENT: 'yaml.syntax',
  TAG_RESOLVE_FAILED: 'yaml.unknown-tag',
  BAD_ALIAS: 'yaml.bad-alias',
  RESOURCE_EXHAUSTION: 'yaml.too-deep',
};

const firstLine = (message: string) => (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');

/** Parse one YAML file with positions. Never throws for bad input: every failure is a Problem. */
export const loadYaml = (source: SourceFile, limits: LoadLimits = DEFAULT_LIMITS): LoadResult => {
  const file = source.path;
  const size = typeof source.content === 'string' ? Buffer.byteLength(source.content) : source.content.byteLength;
  if (size > limits.maxFileBytes) {
    return {
      ok: false,
      problems: [
        problemAt(file, 1, 1, 'yaml.too-large', `file is ${size} bytes, over the limit of ${limits.maxFileBytes} bytes`),
      ],
    };
  }
  let text: string;
  try {
    text = typeof source.content === 'string' ? source.content : decoder.decode(source.content);
  } catch {
    const offset = firstInvalidUtf8(source.content as Uint8Array);
    const { line, col } = byteOffsetToLineCol(source.content as Uint8Array, offset);
    return {
      ok: false,
      problems: [problemAt(file, line, col, 'yaml.not-utf8', `file is not valid UTF-8 (first bad byte at offset ${offset})`)],
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const control = findControlChar(text);
  if (control >= 0) {
    const lc = lineColOf(text, control);
    return {
      ok: false,
      problems: [
        problemAt(
          file,
          lc.line,
          lc.col,
          'yaml.binary',
          `file contains a control character (U+${text.charCodeAt(control).toString(16).padStart(4, '0').toUpperCase()}); is it a binary file?`,
        ),
      ],
    };
  }
  if (text.trim() === '' || isOnlyComments(text)) {
    return { ok: false, problems: [problemAt(file, 1, 1, 'yaml.empty', 'file is empty: expected one lifeboat document')] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: false });
  const problems = yamlErrors(file, lineCounter, [...doc.errors, ...doc.warnings]);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };

  const depth = deepest(doc.contents, limits.maxDepth);
  if (depth) {
    const pos = lineCounter.linePos(depth.range?.[0] ?? 0);
    return {
      ok: false,
      problems: [problemAt(file, pos.line, pos.col, 'yaml.too-deep', `nesting deeper than ${limits.maxDepth} levels`)],
    };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const message =
      err instanceof ReferenceError && /alias/i.test(err.message)
        ? `aliases expand to too many nodes (limit ${limits.maxAliasCount}): refused as a resource-exhaustion risk`
        : `could not build a value: ${firstLine(err instanceof Error ? err.message : String(err))}`;
    const firstAlias = findFirstAlias(doc.contents);
    const pos = lineCounter.linePos(firstAlias?.range?.[0] ?? 0);
    return { ok: false, problems: [problemAt(file, pos.line, pos.col, 'yaml.alias-limit', message)] };
  }
  return { ok: true, document: { file, text, doc, lineCounter, value }, problems };
};

const yamlErrors = (file: string, lc: LineCounter, errors: readonly YAMLError[]): Problem[] => {
  const out: Problem[] = [];
  let exhausted = false;
  for (const e of errors) {
    const code = YAML_CODES[e.code] ?? 'yaml.syntax';
    if (code === 'yaml.too-deep') {
      // The parser reports one error per level; one is enough.
      if (exhausted) continue;
      exhausted = true;
    }
    const { line, col } = lc.linePos(e.pos[0]);
    const message =
      code === 'yaml.too-deep'
        ? 'nesting too deep to parse: refused as a resource-exhaustion risk'
        : code === 'yaml.multiple-documents'
          ? 'file holds more than one YAML document; put each object in its own file'
          : firstLine(e.message);
    out.push({ ...problemAt(file, line, col, code, message), severity: e.name === 'YAMLWarning' && code !== 'yaml.unknown-tag' ? 'warning' : 'error' });
  }
  return out;
};

const isOnlyComments = (text: string) => text.split(/\r?\n/).every((l) => /^\s*(#.*)?$/.test(l) || l.trim() === '---');

/** Returns the first node nested deeper than `max`, iteratively (a recursive walk is what we are guarding against). */
const deepest = (root: unknown, max: number): Node | undefined => {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isMap(node) || isSeq(node)) {
      if (depth >= max) return node;
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push([item.value, depth + 1]);
          if (!isScalar(item.key)) stack.push([item.key, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
};

const findFirstAlias = (root: unknown): Node | undefined => {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.shift();
    if (isAlias(node)) return node;
    if (isMap(node) || isSeq(node)) for (const item of node.items) stack.push(isPair(item) ? item.value : item);
  }
  return undefined;
};

const lineColOf = (text: string, index: number) => {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: index - lineStart + 1 };
};

const byteOffsetToLineCol = (bytes: Uint8Array, offset: number) => {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
};

const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  // Binary search on the longest valid prefix keeps this linear-ish without re-implementing UTF-8.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
};

export interface Position {
  line: number;
  col: number;
}

/**
 * Where a path points in the document: the value node by default, the key when `key` is set
 * (unknown keys), the deepest existing ancestor when the path does not exist (missing keys).
 */
export const locate = (document: LoadedDocument, path: readonly PathSegment[], options: { key?: boolean } = {}): Position => {
  let node: unknown = document.doc.contents;
  let best: { range?: [number, number, number] | null } | undefined = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && options.key) {
        best = pair.key as Node;
        break;
      }
      node = pair.value;
      best = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      node = item;
      best = item as Node;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = document.lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
};

/** Build a Problem positioned at `path` in `document`. */
export const problemIn = (
  document: LoadedDocument,
  path: readonly PathSegment[],
  code: string,
  message: string,
  options: { severity?: Problem['severity']; key?: boolean } = {},
): Problem => {
  const { line, col } = locate(document, path, options);
  return {
    code,
    severity: options.severity ?? 'error',
    message,
    file: document.file,
    line,
    col,
    path: formatPath(path),
  };
};

export { quote };
