import { describe, expect, it } from 'vitest';
import type { Problem } from '../problem/index.js';
import { DEFAULT_LIMITS } from './limits.js';
import { type LoadedDocument, loadYaml, locate, problemIn } from './load-yaml.js';

const load = (content: string | Uint8Array, limits = DEFAULT_LIMITS) =>
  loadYaml({ path: 'sites/x.yaml', content }, limits);

/** The one problem a refused file must produce, as `code line:col`. */
const refusal = (content: string | Uint8Array, limits = DEFAULT_LIMITS): string => {
  const result = load(content, limits);
  expect(result.ok).toBe(false);
  expect(result.problems).toHaveLength(1);
  const [p] = result.problems as [Problem];
  expect(p.file).toBe('sites/x.yaml');
  expect(p.severity).toBe('error');
  expect(p.message).not.toMatch(/\n/);
  return `${p.code} ${p.line}:${p.col}`;
};

const parsed = (content: string): LoadedDocument => {
  const result = load(content);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(content)} to load: ${JSON.stringify(result.problems)}`);
  return result.document;
};

const nested = (depth: number, open: string, close: string) =>
  `a: ${open.repeat(depth)}${close.repeat(depth)}\n`;
const blockNested = (depth: number) =>
  `${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`;

describe('loadYaml: size, encoding and binary guards', () => {
  it('refuses a file over the size limit before parsing it', () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 10 };
    expect(refusal('a: 12345678\n', limits)).toBe('yaml.too-large 1:1');
    expect(load('a: 123456\n', limits).ok).toBe(true);
    expect(load('a: 12345678\n', limits).problems[0]?.message).toBe(
      'file is 12 bytes, over the limit of 10 bytes',
    );
  });

  it('measures bytes, not characters', () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 10 };
    expect(refusal('a: ééééé\n', limits)).toBe('yaml.too-large 1:1'); // 9 characters, 14 bytes
  });

  it('refuses a 2 MiB file with the default limit', () => {
    expect(refusal(`a: "${'x'.repeat(2 * 1024 * 1024)}"\n`)).toBe('yaml.too-large 1:1');
  });

  it('refuses invalid UTF-8 at the first bad byte', () => {
    const bytes = new Uint8Array([...Buffer.from('a: 1\nb: caf'), 0xe9, ...Buffer.from('\n')]);
    expect(refusal(bytes)).toBe('yaml.not-utf8 2:7');
    expect(load(bytes).problems[0]?.message).toBe('file is not valid UTF-8 (first bad byte at offset 11)');
  });

  it('counts the column in characters and points at the start of a truncated sequence', () => {
    // "é" is two bytes in UTF-8; the bad sequence E2 82 (a cut-off "€") starts at byte 8, character 7.
    const bytes = new Uint8Array([...Buffer.from('a: 1\nb: é'), 0xe2, 0x82, 0x41, 0x0a]);
    expect(refusal(bytes)).toBe('yaml.not-utf8 2:5');
    expect(load(bytes).problems[0]?.message).toBe('file is not valid UTF-8 (first bad byte at offset 10)');
    expect(refusal(new Uint8Array([0x61, 0x3a, 0x20, 0x80]))).toBe('yaml.not-utf8 1:4');
  });

  it('refuses UTF-16 (a common editor setting) as not UTF-8', () => {
    expect(refusal(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00]))).toBe('yaml.not-utf8 1:1');
  });

  it('accepts valid UTF-8 bytes and strips a byte-order mark', () => {
    expect(parsed('\ufeffa: café\n').value).toEqual({ a: 'café' });
    const doc = load(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('a: 1\n')]));
    expect(doc.ok && doc.document.value).toEqual({ a: 1 });
  });

  it('refuses NUL bytes and other control characters as binary, at their position', () => {
    expect(refusal('a: 1\nb: x\u0000y\n')).toBe('yaml.binary 2:5');
    expect(refusal('a: x\u001b[31m\n')).toBe('yaml.binary 1:5');
    expect(refusal('a: 1\nb: x\u007f\n')).toBe('yaml.binary 2:5');
    expect(load('\u0000').problems[0]?.message).toBe(
      'file contains a control character (U+0000); is it a binary file?',
    );
  });

  it('allows tabs inside values and CRLF line ends', () => {
    expect(parsed('a: "x\ty"\r\nb: 2\r\n').value).toEqual({ a: 'x\ty', b: 2 });
  });
});

describe('loadYaml: empty files', () => {
  it.each([
    ['an empty file', ''],
    ['whitespace only', '   \n\n\t\n'],
    ['comments only', '# yaml-language-server: $schema=../schemas/Site.schema.json\n# nothing else\n'],
    ['a lone document marker', '---\n'],
  ])('refuses %s', (_name, content) => {
    expect(refusal(content)).toBe('yaml.empty 1:1');
  });
});

describe('loadYaml: syntax errors at the exact position', () => {
  it.each([
    [
      'a tab used as indentation',
      'a:\n  b:\n\t  c: 1\n',
      'yaml.syntax 3:1',
      'Tabs are not allowed as indentation',
    ],
    ['an unclosed double quote', 'a: "abc\nb: 2\n', 'yaml.syntax 3:1', 'Missing closing "quote'],
    ['an unclosed single quote', "a: 'abc\nb: 1\n", 'yaml.syntax 3:1', "Missing closing 'quote"],
    [
      'an unclosed flow sequence',
      'a: [1, 2\nb: 3\n',
      'yaml.syntax 2:1',
      'Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a mapping inside a compact value',
      'a: b: c\n',
      'yaml.syntax 1:4',
      'Nested mappings are not allowed in compact mappings',
    ],
    [
      'mis-aligned keys',
      'a:\n  b: 1\n c: 2\n',
      'yaml.syntax 3:1',
      'All mapping items must start at the same column',
    ],
  ])('%s', (_name, content, where, message) => {
    const result = load(content);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.code} ${p.line}:${p.col}`)).toContain(where);
    expect(result.problems.find((p) => `${p.code} ${p.line}:${p.col}` === where)?.message).toBe(message);
  });
});

describe('loadYaml: duplicate keys', () => {
  it('reports the second occurrence of a top-level key', () => {
    expect(refusal('a: 1\nb: 2\na: 3\n')).toBe('yaml.duplicate-key 3:1');
  });

  it('reports a duplicate in a nested mapping at its own column', () => {
    expect(refusal('spec:\n  a: 1\n  b:\n    c: 1\n    c: 2\n')).toBe('yaml.duplicate-key 5:5');
  });

  it('treats a quoted and a plain spelling of the same key as duplicates', () => {
    expect(refusal('a: 1\n"a": 2\n')).toBe('yaml.duplicate-key 2:1');
  });

  it('counts lines correctly with CRLF line ends', () => {
    expect(refusal('a: 1\r\nb: 2\r\na: 3\r\n')).toBe('yaml.duplicate-key 3:1');
  });
});

describe('loadYaml: aliases', () => {
  const bomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    '',
  ].join('\n');

  it('refuses an alias bomb at the first alias, without expanding it', () => {
    const started = performance.now();
    expect(refusal(bomb)).toBe('yaml.alias-limit 2:8');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(load(bomb).problems[0]?.message).toMatch(/resource-exhaustion/);
  });

  it('allows a few ordinary aliases', () => {
    expect(parsed('a: &x [1, 2]\nb: *x\n').value).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('reports an alias with no anchor as a plain mistake, naming it', () => {
    expect(refusal('a: 1\nb: *nope\n')).toBe('yaml.bad-alias 2:4');
    expect(load('a: 1\nb: *nope\n').problems[0]?.message).toBe(
      'alias "*nope" refers to no anchor defined before it',
    );
  });

  it('does not merge `<<` keys (merge keys are off: what you read is what you get)', () => {
    expect(parsed('a: &a {x: 1}\nb:\n  <<: *a\n').value).toEqual({ a: { x: 1 }, b: { '<<': { x: 1 } } });
  });
});

describe('loadYaml: nesting depth', () => {
  it('accepts nesting up to the limit', () => {
    expect(load(nested(DEFAULT_LIMITS.maxDepth - 1, '[', ']')).ok).toBe(true);
  });

  it('refuses flow nesting past the limit at the first bracket too deep', () => {
    // The root mapping is level 0, so the 32nd bracket (column 4 + 31) is the first one refused.
    expect(refusal(nested(DEFAULT_LIMITS.maxDepth, '[', ']'))).toBe('yaml.too-deep 1:35');
    expect(refusal(nested(40, '{a: ', '}'))).toBe('yaml.too-deep 1:128');
  });

  it('refuses block nesting past the limit at the mapping too deep', () => {
    expect(refusal(blockNested(40))).toBe('yaml.too-deep 33:65');
  });

  it('refuses compact sequence nesting on one line', () => {
    expect(refusal(`${'- '.repeat(40)}x\n`)).toBe('yaml.too-deep 1:65');
  });

  it('refuses 10,000 levels quickly, with a message and no stack overflow', () => {
    const started = performance.now();
    expect(refusal(nested(10_000, '[', ']'))).toBe('yaml.too-deep 1:35');
    expect(load(nested(10_000, '[', ']')).problems[0]?.message).toBe('nesting deeper than 32 levels');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('survives a deep document right after a tab error (once aborted the whole process)', () => {
    load('a:\n\tb: 1\n');
    expect(refusal(nested(10_000, '[', ']'))).toBe('yaml.too-deep 1:35');
  });

  it('honours a custom depth limit', () => {
    expect(refusal('a: [[1]]\n', { ...DEFAULT_LIMITS, maxDepth: 2 })).toBe('yaml.too-deep 1:5');
  });
});

describe('loadYaml: documents and tags', () => {
  it('refuses more than one document at the second marker', () => {
    expect(refusal('a: 1\n---\nb: 2\n')).toBe('yaml.multiple-documents 2:1');
    expect(refusal('a: 1\n---\nb: 2\n---\nc: 3\n')).toBe('yaml.multiple-documents 2:1');
  });

  it('allows one document with explicit start and end markers', () => {
    expect(parsed('---\na: 1\n...\n').value).toEqual({ a: 1 });
  });

  it.each([
    ['a local tag', 'a: !include secrets.yaml\n', 'Unresolved tag: !include'],
    ['a js/function tag', 'a: !!js/function "return 1"\n', 'Unresolved tag: tag:yaml.org,2002:js/function'],
    [
      'a python/object tag',
      'a: !!python/object:os.system x\n',
      'Unresolved tag: tag:yaml.org,2002:python/object:os.system',
    ],
  ])('refuses %s at the tag', (_name, content, message) => {
    expect(refusal(content)).toBe('yaml.unknown-tag 1:4');
    expect(load(content).problems[0]?.message).toBe(message);
  });

  it('turns a collection used as a key into a string without printing a process warning', () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(parsed('? [a, b]\n: 1\n').value).toEqual({ '[ a, b ]': 1 });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe('loadYaml: hostile keys are harmless', () => {
  it('keeps __proto__ and constructor as plain own keys and never pollutes Object.prototype', () => {
    const doc = parsed('__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\n');
    const value = doc.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps __proto__ harmless when it arrives through an alias', () => {
    const doc = parsed('x: &p {polluted: yes}\n__proto__: *p\n');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
  });
});

describe('loadYaml never throws', () => {
  it('answers every byte soup with a result', () => {
    // A fixed linear congruential generator: the same "random" inputs on every run.
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const alphabet = 'ab:-[]{}&*!|>"\'#?,\n \t%@`\\0123';
    for (let i = 0; i < 300; i++) {
      const length = next() % 80;
      const text = Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
      const bytes = Uint8Array.from({ length }, () => next() % 256);
      expect(() => load(text)).not.toThrow();
      expect(() => load(bytes)).not.toThrow();
      for (const p of [...load(text).problems, ...load(bytes).problems]) {
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.col).toBeGreaterThanOrEqual(1);
        expect(p.message).not.toMatch(/\n/);
      }
    }
  });
});

describe('locate and problemIn', () => {
  const doc = parsed(
    'apiVersion: lifeboat/v1\nspec:\n  paths:\n    - /srv/a\n    - /srv/b\n  nested:\n    key: value\n',
  );

  it('points at a value, or at its key when asked', () => {
    expect(locate(doc, ['spec', 'nested', 'key'])).toEqual({ line: 7, col: 10 });
    expect(locate(doc, ['spec', 'nested', 'key'], { key: true })).toEqual({ line: 7, col: 5 });
  });

  it('points at list items by index', () => {
    expect(locate(doc, ['spec', 'paths', 1])).toEqual({ line: 5, col: 7 });
  });

  it('falls back to the deepest existing ancestor for a missing path', () => {
    expect(locate(doc, ['spec', 'nested', 'missing'])).toEqual({ line: 7, col: 5 });
    expect(locate(doc, ['spec', 'paths', 9])).toEqual({ line: 4, col: 5 });
  });

  it('builds a positioned problem with the dotted path', () => {
    expect(
      problemIn(doc, ['spec', 'paths', 0], 'path.unsafe-target', 'bad', { severity: 'warning' }),
    ).toEqual({
      code: 'path.unsafe-target',
      severity: 'warning',
      message: 'bad',
      file: 'sites/x.yaml',
      line: 4,
      col: 7,
      path: 'spec.paths[0]',
    });
  });
});
