import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadYamlFast, textStartsWith } from './fast-load.js';
import { loadYaml, locate } from './load-yaml.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const inventoryFiles = ['sites', 'policies', 'images'].flatMap((dir) =>
  readdirSync(`${root}${dir}`)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ path: `${dir}/${f}`, content: readFileSync(`${root}${dir}/${f}`) })),
);

describe('loadYamlFast', () => {
  it('gives the same values as the careful loader on the example inventory', () => {
    expect(inventoryFiles.length).toBeGreaterThan(10);
    for (const file of inventoryFiles) {
      const fast = loadYamlFast(file);
      const careful = loadYaml(file);
      expect(fast.ok, file.path).toBe(true);
      if (fast.ok && careful.ok) expect(fast.document.value, file.path).toEqual(careful.document.value);
    }
  });

  it('positions problems like the careful loader (the positioned document is built on demand)', () => {
    const text =
      'apiVersion: lifeboat/v1\nkind: Site\nmetadata:\n  name: lisle\nspec:\n  timezone: Mars/Base\n';
    const fast = loadYamlFast({ path: 'sites/lisle.yaml', content: text });
    const careful = loadYaml({ path: 'sites/lisle.yaml', content: text });
    if (!fast.ok || !careful.ok) throw new Error('both should load');
    expect(locate(fast.document, ['spec', 'timezone'])).toEqual({ line: 6, col: 13 });
    expect(locate(fast.document, ['spec', 'timezone'])).toEqual(
      locate(careful.document, ['spec', 'timezone']),
    );
    expect(locate(fast.document, ['metadata', 'name'], { key: true })).toEqual({ line: 4, col: 3 });
  });

  // Each of these must fall back to the careful loader and report exactly what it reports.
  const tricky: Array<[string, string | Uint8Array]> = [
    ['duplicate key', 'a: 1\nb: 2\na: 3\n'],
    ['syntax error', 'a: [1, 2\nb: 3\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['unknown tag', 'a: !!js/function "x"\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    [
      'alias bomb',
      `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    ],
    ['plain alias', 'x: &a {k: 1}\ny: *a\n'],
    ['undefined alias', 'x: *nowhere\n'],
    ['deep flow nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['deep block nesting', Array.from({ length: 60 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
    ['compact nested sequences', `${'- '.repeat(40)}x\n`],
    ['empty', ''],
    ['comments only', '# nothing\n'],
    ['scalar document', 'just text\n'],
    ['NUL byte', 'a: 1\u0000\n'],
    ['not UTF-8', new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])],
    ['byte-order mark', '\ufeffa: 1\n'],
    ['implicit key over 1024 characters', `labels:\n  ${'k'.repeat(1100)}: v\n`],
    ['YAML 1.1 underscores in a number', 'keepDaily: 1_000\nversion: 2024_06_01\n'],
    ['YAML 1.1 binary number', 'a: 0b101\n'],
    ['explicit core tag', 'a: !!float 1\nb: !!str 2\n'],
  ];
  it.each(tricky)('%s: same result as the careful loader', (_name, content) => {
    const file = { path: 'policies/x.yaml', content };
    const fast = loadYamlFast(file);
    const careful = loadYaml(file);
    expect(fast.problems).toEqual(careful.problems);
    expect(fast.ok).toBe(careful.ok);
    if (fast.ok && careful.ok) expect(fast.document.value).toEqual(careful.document.value);
  });

  it('keeps __proto__ as plain data without touching Object.prototype', () => {
    const fast = loadYamlFast({
      path: 'policies/x.yaml',
      content: '__proto__: {polluted: true}\nconstructor: x\n',
    });
    if (!fast.ok) throw new Error('should load');
    expect(Object.keys(fast.document.value as object)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(fast.document.value)).toBe(Object.prototype);
  });

  it('decodes its text only when asked, to the same text as the careful loader', () => {
    const body = 'a: café\nb: 2\n';
    for (const content of [
      body,
      new TextEncoder().encode(body),
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(body)]),
    ]) {
      const fast = loadYamlFast({ path: 'x.yaml', content });
      const careful = loadYaml({ path: 'x.yaml', content });
      if (!fast.ok || !careful.ok) throw new Error('both should load');
      // Asked before the text is decoded (from the bytes), then after (from the text).
      const prefixes = ['', 'a', 'a: ', 'a: caf', 'a: café', 'b', '\ufeffa', 'A', body, `${body}x`];
      const before = prefixes.map((p) => textStartsWith(fast.document, p));
      expect(fast.document.text).toBe(careful.document.text);
      expect(prefixes.map((p) => textStartsWith(fast.document, p))).toEqual(before);
      expect(before).toEqual(prefixes.map((p) => careful.document.text.startsWith(p)));
      expect(prefixes.map((p) => textStartsWith(careful.document, p))).toEqual(before);
    }
  });
});
