import {
  type Alias,
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  type YAMLError,
  YAMLParseError,
} from 'yaml';
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

export type LoadResult =
  | { ok: true; document: LoadedDocument; problems: Problem[] }
  | { ok: false; problems: Problem[] };

const decoder = new TextDecoder('utf-8', { fatal: true });

const problemAt = (
  file: string,
  line: number,
  col: number,
  code: string,
  message: string,
  path = '',
): Problem => ({
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

const firstLine = (message: string) =>
  (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');

/** Parse one YAML file with positions. Never throws for bad input: every failure is a Problem. */
export const loadYaml = (source: SourceFile, limits: LoadLimits = DEFAULT_LIMITS): LoadResult => {
  const file = source.path;
  const size =
    typeof source.content === 'string' ? Buffer.byteLength(source.content) : source.content.byteLength;
  if (size > limits.maxFileBytes) {
    return {
      ok: false,
      problems: [
        problemAt(
          file,
          1,
          1,
          'yaml.too-large',
          `file is ${size} bytes, over the limit of ${limits.maxFileBytes} bytes`,
        ),
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
      problems: [
        problemAt(
          file,
          line,
          col,
          'yaml.not-utf8',
          `file is not valid UTF-8 (first bad byte at offset ${offset})`,
        ),
      ],
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
    return {
      ok: false,
      problems: [problemAt(file, 1, 1, 'yaml.empty', 'file is empty: expected one lifeboat document')],
    };
  }

  const lineCounter = new LineCounter();
  // The parser is iterative but the composer recurses per level: measure depth on the syntax tree
  // first, so a hostile nesting never reaches the composer (near the stack limit V8 can abort the
  // whole process while compiling a regular expression, which no try/catch can stop).
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const tooDeep = deepestToken(tokens, limits.maxDepth);
  if (tooDeep !== undefined) {
    const pos = lineCounter.linePos(tooDeep);
    return {
      ok: false,
      problems: [
        problemAt(file, pos.line, pos.col, 'yaml.too-deep', `nesting deeper than ${limits.maxDepth} levels`),
      ],
    };
  }
  const doc = composeOne(tokens, text.length);
  const problems = yamlErrors(file, lineCounter, [...doc.errors, ...doc.warnings]);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // `*name` with no anchor before it is a plain mistake, not an attack: say which alias.
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(firstLine(reason));
    if (unresolved) {
      const name = unresolved[1] as string;
      const alias = findFirstAlias(doc.contents, (a) => a.source === name);
      const pos = lineCounter.linePos(alias?.range?.[0] ?? 0);
      const message = `alias ${quote(`*${name}`)} refers to no anchor defined before it`;
      return { ok: false, problems: [problemAt(file, pos.line, pos.col, 'yaml.bad-alias', message)] };
    }
    const message =
      err instanceof ReferenceError && /alias/i.test(reason)
        ? `aliases expand to too many nodes (limit ${limits.maxAliasCount}): refused as a resource-exhaustion risk`
        : `could not build a value: ${firstLine(reason)}`;
    const firstAlias = findFirstAlias(doc.contents);
    const pos = lineCounter.linePos(firstAlias?.range?.[0] ?? 0);
    return { ok: false, problems: [problemAt(file, pos.line, pos.col, 'yaml.alias-limit', message)] };
  }
  return { ok: true, document: { file, text, doc, lineCounter, value }, problems };
};

// logLevel 'error': the yaml package would otherwise print process warnings (e.g. for a collection
// used as a key) straight to stderr; every finding must be a Problem instead.
const COMPOSE_OPTIONS = {
  uniqueKeys: true,
  prettyErrors: false,
  strict: true,
  merge: false,
  logLevel: 'error',
} as const;

/** What `parseDocument` does, from tokens already parsed: the first document, later ones reported. */
const composeOne = (tokens: CST.Token[], length: number): Document.Parsed => {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(COMPOSE_OPTIONS).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'more than one document'),
      );
      break;
    }
  }
  return doc as Document.Parsed;
};

/** Offset of the first collection nested `max` levels deep in the syntax tree, iteratively. */
const deepestToken = (tokens: readonly CST.Token[], max: number): number | undefined => {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map((t) => [t, -1]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token | null | undefined, number];
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      const level = depth + 1;
      if (level >= max) return token.offset;
      for (const item of token.items) {
        stack.push([item.value, level]);
        if ('key' in item) stack.push([item.key, level]);
      }
    }
  }
  return undefined;
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
    out.push({
      ...problemAt(file, line, col, code, message),
      severity: e.name === 'YAMLWarning' && code !== 'yaml.unknown-tag' ? 'warning' : 'error',
    });
  }
  return out;
};

const isOnlyComments = (text: string) =>
  text.split(/\r?\n/).every((l) => /^\s*(#.*)?$/.test(l) || l.trim() === '---');

const findFirstAlias = (root: unknown, matches: (alias: Alias) => boolean = () => true): Node | undefined => {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.shift();
    if (isAlias(node) && matches(node)) return node;
    if (isMap(node) || isSeq(node))
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
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
  // Columns count characters (UTF-16 units) like every other position; the line's prefix is valid UTF-8.
  return { line, col: decoder.decode(bytes.subarray(lineStart, offset)).length + 1 };
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
  // In stream mode a prefix may end inside an unfinished character (a Latin-1 "é" looks like the
  // start of one): the bad sequence starts at the last character boundary, at most 3 bytes back.
  for (let start = lo; start >= Math.max(0, lo - 3); start--) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, start));
      return start;
    } catch {
      // not a character boundary yet
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
export const locate = (
  document: LoadedDocument,
  path: readonly PathSegment[],
  options: { key?: boolean } = {},
): Position => {
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
