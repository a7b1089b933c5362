import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../loader/index.js';
import { type Kind, SCHEMAS } from '../schema/index.js';
import { schemaVerdicts } from './check-schema.js';
import { compileQuickCheck, UnsupportedSchemaError } from './quick-check.js';
import { FULL_IMAGE, FULL_POLICY, FULL_SITE, POLICY, SITE } from './testing/documents.js';

// The quick check may only say "valid" where ajv does: check-schema skips ajv's explanation on its word.

/** The options check-schema gives ajv (strict: false also turns strictNumbers off). */
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { optimize: false } });

/** Every value with the quick check's verdict and ajv's, for a readable diff when they part. */
const verdicts = (schema: object, values: unknown[]) => {
  const quick = compileQuickCheck(schema);
  const detailed = ajv.compile(schema);
  return values.map((value) => ({ value, quick: quick(value), ajv: detailed(value) }));
};

const expectAgreement = (schema: object, values: unknown[]) => {
  const all = verdicts(schema, values);
  expect(all.filter((v) => v.quick !== v.ajv)).toEqual([]);
  return all;
};

const proto = (value: unknown): Record<string, unknown> => {
  const o: Record<string, unknown> = { a: 'x' };
  Object.defineProperty(o, '__proto__', { value, enumerable: true, configurable: true, writable: true });
  return o;
};

describe('compileQuickCheck, keyword by keyword against ajv', () => {
  it('types, including NaN and Infinity, which ajv accepts as numbers here', () => {
    const values = [null, true, 0, 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', '1', [], {}, [1]];
    for (const type of ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']) {
      expectAgreement({ type }, values);
    }
    const mixed = expectAgreement({ type: ['string', 'integer'] }, values);
    expect(mixed.filter((v) => v.quick).map((v) => v.value)).toEqual([
      0,
      1,
      -1,
      Number.POSITIVE_INFINITY,
      '',
      '1',
    ]);
  });

  it('string lengths in code points, and patterns with the u flag', () => {
    const values = ['', 'a', 'ab', 'abc', '😀', '😀😀', 'a😀', '\ud83d', '\ud83dx', 'é', 5];
    expectAgreement({ type: 'string', minLength: 2 }, values);
    expectAgreement({ type: 'string', minLength: 1 }, values);
    expectAgreement({ type: 'string', maxLength: 2 }, values);
    expectAgreement({ minLength: 2, maxLength: 3 }, values);
    expectAgreement({ type: 'string', pattern: '^[a-z]+$' }, [...values, 'abc1', 'ABC']);
    expectAgreement({ pattern: '^.$' }, values);
  });

  it('a plain prefix pattern, tested with startsWith', () => {
    expectAgreement({ type: 'string', pattern: '^/' }, ['/', '/srv', 'srv', '', ' /srv', '\n/srv']);
    expectAgreement({ type: 'string', pattern: '^rest:' }, ['rest:', 'rest:https://x', 'Rest:', 'res']);
  });

  it('numeric bounds, where NaN fails every bound', () => {
    const values = [0, 0.5, 1, 9, 10, 11, -1, Number.NaN, Number.POSITIVE_INFINITY, '5'];
    expectAgreement({ type: 'number', minimum: 1, maximum: 10 }, values);
    expectAgreement({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 }, values);
    expectAgreement({ minimum: 1 }, values);
    expectAgreement({ type: 'integer', minimum: 1 }, values);
  });

  it('const, and anyOf of literals or of other branches', () => {
    const values = ['a', 'b', 'c', 1, true, null, ['a'], { a: 1 }];
    expectAgreement({ const: 'a' }, values);
    const bare = Object.assign(Object.create(null), { a: 1 });
    const odd = [{ a: 1, b: 2 }, { a: '1' }, bare, { a: 1, constructor: 'x' }, [1], new Date(0)];
    expectAgreement({ const: { a: 1 } }, [...values, ...odd]);
    expectAgreement({ const: { a: 1, constructor: 'x' } }, [...values, ...odd]);
    expectAgreement({ anyOf: [{ const: 'a', type: 'string' }, { const: 'b' }] }, values);
    expectAgreement(
      {
        anyOf: [
          { const: 1, type: 'integer' },
          { const: true, type: 'boolean' },
        ],
      },
      values,
    );
    expectAgreement({ anyOf: [{ const: 'a', type: 'number' }, { type: 'array' }] }, values);
    expectAgreement({ anyOf: [{ type: 'string', pattern: '^a' }, { type: 'integer' }] }, values);
  });

  it('arrays: items, sizes and uniqueness (NaN equals NaN, objects compare deeply)', () => {
    const values = [
      [],
      ['a'],
      ['a', 'b'],
      ['a', 'a'],
      ['1', 1],
      [Number.NaN, Number.NaN],
      [{ a: 1 }, { a: 1 }],
      [{ a: 1 }, { a: 2 }],
      [{ a: 1 }, Object.assign(Object.create(null), { a: 1 })],
      [new Date(0), new Date(0)],
      [/a/g, /a/g],
      [/a/g, /a/i],
      [[1], [1]],
      [null, null],
      'a',
    ];
    expectAgreement({ type: 'array', uniqueItems: true }, values);
    expectAgreement({ type: 'array', minItems: 1, maxItems: 1 }, values);
    expectAgreement({ type: 'array', items: { type: 'string' } }, values);
    expectAgreement({ items: { type: 'string' }, uniqueItems: true }, values);
  });

  it('objects: required, properties, patternProperties and additionalProperties, as ajv reads them', () => {
    const values = [
      {},
      { a: 'x' },
      { a: 1 },
      { a: 'x', b: 'y' },
      { a: 'x', zed: 'y' },
      { a: 'x', zed: 1 },
      { a: 'x', other: 'y' },
      { a: 'x', other: 2 },
      proto('y'),
      proto(1),
      { a: 'x', constructor: 'y' },
      [],
      null,
      'a',
    ];
    const object = {
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      patternProperties: { '^z': { type: 'string' } },
    };
    expectAgreement({ ...object, additionalProperties: false }, values);
    expectAgreement({ ...object, additionalProperties: { type: 'string' } }, values);
    expectAgreement(object, values);
    // ajv reads a required name from the prototype too: an object "has" toString.
    expectAgreement({ type: 'object', required: ['toString'] }, [{}, { toString: 'x' }]);
    expectAgreement({ type: 'object', properties: { toString: { type: 'string' } } }, [
      {},
      { toString: 'x' },
    ]);
  });

  it('ignores annotations, and refuses keywords it does not implement rather than guessing', () => {
    expect(compileQuickCheck({ type: 'string', title: 't', description: 'd' })('x')).toBe(true);
    for (const schema of [
      { oneOf: [{ type: 'string' }] },
      { $ref: '#/definitions/x' },
      { type: 'string', format: 'email' },
      { type: 'array', items: [{ type: 'string' }] },
      { type: 'Date' },
      { type: 'number', multipleOf: 2 },
      { not: {} },
    ]) {
      expect(() => compileQuickCheck(schema), JSON.stringify(schema)).toThrow(UnsupportedSchemaError);
    }
  });
});

describe('the quick check on the inventory schemas', () => {
  it('compiles every inventory kind, so no kind falls back to ajv alone', () => {
    for (const kind of ['Site', 'BackupPolicy', 'Image'] as const) {
      expect(() => compileQuickCheck(SCHEMAS[kind])).not.toThrow();
    }
  });

  const parse = (text: string) => {
    const loaded = loadYaml({ path: 'x.yaml', content: text });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    return loaded.document.value;
  };

  const REPLACEMENTS: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    1000,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'x',
    'Lisle_HQ',
    'a'.repeat(300),
    '/srv/x',
    '../up',
    'U0123456',
    '😀😀',
    [],
    ['x'],
    {},
    { x: 1 },
  ];

  /** The value with one change at `path`, built fresh each time. */
  const mutations = (root: unknown): Array<{ what: string; value: unknown }> => {
    const out: Array<{ what: string; value: unknown }> = [];
    const at = (
      path: Array<string | number>,
      change: (parent: Record<string, unknown>, key: string) => void,
    ) => {
      const copy = structuredClone(root) as Record<string, unknown>;
      let parent = copy;
      for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
      change(parent, String(path[path.length - 1]));
      return copy;
    };
    const walk = (node: unknown, path: Array<string | number>) => {
      const where = path.join('.');
      if (path.length > 0) {
        for (const replacement of REPLACEMENTS) {
          out.push({
            what: `${where} = ${JSON.stringify(replacement)}`,
            value: at(path, (p, k) => {
              p[k] = replacement;
            }),
          });
        }
        out.push({
          what: `${where} removed`,
          value: at(path, (p, k) => {
            if (Array.isArray(p)) p.splice(Number(k), 1);
            else delete p[k];
          }),
        });
      }
      if (Array.isArray(node)) {
        if (node.length > 0) {
          out.push({
            what: `${where} first item repeated`,
            value: at([...path, node.length], (p, k) => {
              p[k] = structuredClone(node[0]);
            }),
          });
        }
        node.forEach((item, i) => {
          walk(item, [...path, i]);
        });
      } else if (node !== null && typeof node === 'object') {
        for (const extra of ['zz', 'constructor', '__proto__']) {
          out.push({
            what: `${where}.${extra} added`,
            value: at([...path, extra], (p, k) => {
              Object.defineProperty(p, k, {
                value: 'x',
                enumerable: true,
                configurable: true,
                writable: true,
              });
            }),
          });
        }
        for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
      }
    };
    walk(root, []);
    return out;
  };

  const DOCUMENTS: Array<[Kind, string]> = [
    ['Site', SITE],
    ['Site', FULL_SITE],
    ['BackupPolicy', POLICY],
    ['BackupPolicy', FULL_POLICY],
    ['Image', FULL_IMAGE],
  ];

  it('accepts the full documents of every kind', () => {
    for (const [kind, text] of DOCUMENTS) {
      expect(schemaVerdicts(kind, parse(text)), kind).toEqual({ quick: true, ajv: true });
    }
  });

  it('agrees with ajv on every single change to every part of those documents', () => {
    let refused = 0;
    let total = 0;
    for (const [kind, text] of DOCUMENTS) {
      const disagreements: string[] = [];
      for (const { what, value } of mutations(parse(text))) {
        const { quick, ajv: detailed } = schemaVerdicts(kind, value);
        total++;
        if (!detailed) refused++;
        if (quick !== detailed) disagreements.push(`${kind} ${what}: quick ${quick}, ajv ${detailed}`);
      }
      expect(disagreements).toEqual([]);
    }
    // The mutations reach both answers often: a test where everything is refused would prove nothing.
    expect(total).toBeGreaterThan(5000);
    expect(refused).toBeGreaterThan(total / 2);
    expect(refused).toBeLessThan(total);
  });
});
