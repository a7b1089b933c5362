import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { type LoadedDocument, type LoadResult, loadYaml, type SourceFile } from './load-yaml.js';

// Most files are fine: js-yaml builds their values ~4x faster than the `yaml` package, and positions are only
// needed where a problem is reported, so the positioned document is built lazily. Anything unusual (syntax
// errors, duplicate keys, tags, aliases, deep or odd input) goes through the careful loader in load-yaml.ts.

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Conservative nesting estimate from the text alone: indentation plus flow brackets and `- ` / `: ` markers. */
const mayBeDeep = (text: string, limit: number): boolean => {
  let brackets = 0;
  let lineStart = true;
  let indent = 0;
  let markers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      indent = 0;
      markers = 0;
      continue;
    }
    if (lineStart) {
      if (c === 0x20) {
        indent++;
        continue;
      }
      lineStart = false;
    }
    if (c === 0x5b || c === 0x7b) brackets++;
    else if (c === 0x5d || c === 0x7d) brackets = Math.max(0, brackets - 1);
    else if ((c === 0x2d || c === 0x3a) && text.charCodeAt(i + 1) === 0x20) markers++;
    if (brackets + indent + markers > limit) return true;
  }
  return false;
};

/** Controls, NUL, DEL: binary input is the careful loader's to explain. */
const hasControlChar = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfeff) return true;
  }
  return false;
};

/**
 * Text js-yaml reads differently from the `yaml` package (YAML 1.2 core): explicit tags (`!!float 1`
 * is an error there), and YAML 1.1 number forms (`1_000`, `0b101`) that are strings in 1.2. A false
 * alarm only costs the careful path's time.
 */
const ONE_ONE_FORMS = /!|(?<![\w.:/-])[-+]?(?:0b|[0-9.]+_)/;

/** YAML caps an implicit key at 1024 characters and the `yaml` package enforces it; js-yaml does not. */
const hasLongLine = (text: string): boolean => {
  let start = 0;
  for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
    if ((end < 0 ? text.length : end) - start > 1024) return true;
    if (end < 0) return false;
    start = end + 1;
  }
};

/**
 * True when the value is a plain tree within the depth limit. A collection reached twice means an alias
 * (js-yaml shares the object), whose expansion limits the careful loader enforces.
 */
const isPlainTree = (root: unknown, maxDepth: number): boolean => {
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (seen.has(node) || depth >= maxDepth) return false;
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
};

/**
 * A document from the fast path. Its text and positions are made only when asked for: a clean inventory
 * never needs them, and js-yaml's values already hold a copy of the text (its scalars are slices of it),
 * so keeping the decoded text as well would double what thousands of documents keep alive.
 */
class LazyDocument implements LoadedDocument {
  readonly file: string;
  readonly value: unknown;
  /** The file's bytes (or text), decoded again on demand: they decode exactly as they did for parsing. */
  readonly #content: Uint8Array | string;
  #text: string | undefined;
  #parsed: Pick<LoadedDocument, 'doc' | 'lineCounter'> | undefined;

  constructor(file: string, content: Uint8Array | string, value: unknown) {
    this.file = file;
    this.#content = content;
    this.value = value;
  }

  get text(): string {
    this.#text ??= typeof this.#content === 'string' ? this.#content : decoder.decode(this.#content);
    return this.#text;
  }

  get doc() {
    return this.#positioned().doc;
  }

  get lineCounter() {
    return this.#positioned().lineCounter;
  }

  /** `text.startsWith(prefix)`, read from the bytes for an ASCII prefix so the text need not be decoded. */
  textStartsWith(prefix: string): boolean {
    const bytes = this.#content;
    if (this.#text !== undefined || typeof bytes === 'string' || !isAscii(prefix)) {
      return this.text.startsWith(prefix);
    }
    // The decoder drops a leading byte-order mark, so the text starts after it.
    const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    if (bytes.length - from < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[from + i] !== prefix.charCodeAt(i)) return false;
    return true;
  }

  #positioned() {
    if (!this.#parsed) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(this.text, {
        lineCounter,
        uniqueKeys: true,
        prettyErrors: false,
        strict: true,
        merge: false,
      });
      this.#parsed = { doc, lineCounter };
    }
    return this.#parsed;
  }
}

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/**
 * `document.text.startsWith(prefix)`, without decoding a fast-path document's text when the prefix is
 * ASCII (a byte that is not the prefix's own character cannot decode to it).
 */
export const textStartsWith = (document: LoadedDocument, prefix: string): boolean =>
  document instanceof LazyDocument ? document.textStartsWith(prefix) : document.text.startsWith(prefix);

/** Same contract as `loadYaml`, faster for well-formed files. */
export const loadYamlFast = (source: SourceFile, limits: LoadLimits = DEFAULT_LIMITS): LoadResult => {
  const size =
    typeof source.content === 'string' ? Buffer.byteLength(source.content) : source.content.byteLength;
  if (size > limits.maxFileBytes || size === 0) return loadYaml(source, limits);
  let text: string;
  try {
    text = typeof source.content === 'string' ? source.content : decoder.decode(source.content);
  } catch {
    return loadYaml(source, limits);
  }
  if (
    hasControlChar(text) ||
    hasLongLine(text) ||
    ONE_ONE_FORMS.test(text) ||
    mayBeDeep(text, limits.maxDepth)
  ) {
    return loadYaml(source, limits);
  }
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: source.path });
  } catch {
    return loadYaml(source, limits);
  }
  if (
    value === null ||
    value === undefined ||
    typeof value !== 'object' ||
    !isPlainTree(value, limits.maxDepth)
  ) {
    return loadYaml(source, limits);
  }
  return { ok: true, document: new LazyDocument(source.path, source.content, value), problems: [] };
};
