// A yes/no schema check for the happy path: nearly every document is valid, and ajv's every-error,
// verbose validator (about 100 ms to compile per run) is then only needed to explain the few that are not.

/** True when the value satisfies the schema the check was compiled from. */
export type QuickCheck = (value: unknown) => boolean;

/** A keyword the quick check does not implement: the caller falls back to ajv for that schema. */
export class UnsupportedSchemaError extends Error {}

/** Keywords that describe a value without constraining it. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  '$comment',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const objectTest = (v: string) => `(typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v}))`;

// Each type test is ajv's own for its options here (strict: false, so strictNumbers is off).
const TYPE_TESTS: Record<string, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  number: (v) => `typeof ${v} === "number"`,
  integer: (v) => `(typeof ${v} === "number" && !(${v} % 1) && !Number.isNaN(${v}))`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  null: (v) => `${v} === null`,
  object: objectTest,
  array: (v) => `Array.isArray(${v})`,
};

/** Length in code points, as ajv counts it for minLength and maxLength (a surrogate pair is one). */
const codePoints = (text: string): number => {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    length++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)
      i++;
  }
  return length;
};

/** NaN equals NaN for ajv's deep equality (and so for const and uniqueItems). */
const isNotANumber = (v: unknown) => typeof v === 'number' && Number.isNaN(v);

/**
 * ajv's equality (fast-deep-equal, ported line for line), for const and uniqueItems on structured
 * values: the same answers on odd input too, such as a key named `constructor` or `valueOf`.
 */
const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    if (ra.constructor !== rb.constructor) return false;
    if (Array.isArray(a)) {
      if (a.length !== (b as unknown[]).length) return false;
      for (let i = a.length; i-- !== 0; ) if (!deepEqual(a[i], (b as unknown[])[i])) return false;
      return true;
    }
    if (ra.constructor === RegExp)
      return (a as RegExp).source === (b as RegExp).source && (a as RegExp).flags === (b as RegExp).flags;
    // Called as methods, as fast-deep-equal does.
    const [x, y] = [
      a as { valueOf(): unknown; toString(): unknown },
      b as { valueOf(): unknown; toString(): unknown },
    ];
    if (ra.valueOf !== Object.prototype.valueOf) return x.valueOf() === y.valueOf();
    if (ra.toString !== Object.prototype.toString) return x.toString() === y.toString();
    const keys = Object.keys(ra);
    if (keys.length !== Object.keys(rb).length) return false;
    for (let i = keys.length; i-- !== 0; ) if (!Object.hasOwn(rb, keys[i] as string)) return false;
    for (let i = keys.length; i-- !== 0; ) {
      const key = keys[i] as string;
      if (!deepEqual(ra[key], rb[key])) return false;
    }
    return true;
  }
  return isNotANumber(a) && isNotANumber(b);
};

/** uniqueItems: these lists are short (tags, people, days), so pairwise beats building a Set. */
const hasDuplicates = (items: readonly unknown[]): boolean => {
  for (let i = 1; i < items.length; i++) {
    const item = items[i];
    if (item !== null && typeof item === 'object') {
      for (let j = 0; j < i; j++) if (deepEqual(items[j], item)) return true;
    } else {
      for (let j = 0; j < i; j++)
        if (items[j] === item || (isNotANumber(items[j]) && isNotANumber(item))) return true;
    }
  }
  return false;
};

/** What the generated code refers to: constants (regexes, structured consts) and helper functions. */
interface Generator {
  scope: unknown[];
  functions: string[];
  names: number;
}

const constant = (g: Generator, value: unknown): string => {
  g.scope.push(value);
  return `s[${g.scope.length - 1}]`;
};

/** A primitive as a literal in the code; anything else as a constant. */
const literal = (g: Generator, value: unknown): string =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  value === null ||
  (typeof value === 'number' && Number.isFinite(value))
    ? JSON.stringify(value)
    : constant(g, value);

const fresh = (g: Generator, prefix: string) => `${prefix}${g.names++}`;

const bound = (schema: Record<string, unknown>, keyword: string): string => {
  const n = schema[keyword];
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new UnsupportedSchemaError(`${keyword} is not a number`);
  return String(n);
};

/** `^` and characters that match only themselves (such as `^/`): the same test as startsWith. */
const PLAIN_PREFIX = /^\^[\w/:@,;=~!%&#'"<> -]*$/;

/**
 * A branch that is `{const: c}` (with a `type` c already has, and annotations), as the literal the value
 * must be identical to, or undefined. TypeBox writes a union of literals as anyOf of these.
 */
const constOnly = (branch: unknown): string | undefined => {
  if (!isObject(branch) || !('const' in branch)) return undefined;
  const value = branch.const;
  if (
    typeof value !== 'string' &&
    typeof value !== 'boolean' &&
    (typeof value !== 'number' || !Number.isFinite(value))
  )
    return undefined;
  for (const keyword of Object.keys(branch)) {
    if (keyword === 'const' || ANNOTATIONS.has(keyword)) continue;
    const type = branch[keyword];
    const matches = type === typeof value || (type === 'integer' && Number.isInteger(value));
    if (keyword !== 'type' || !matches) return undefined;
  }
  return JSON.stringify(value);
};

/** A function, in the generated code, that returns whether its argument passes `schema`. */
const helper = (g: Generator, schema: unknown): string => {
  const name = fresh(g, 'f');
  g.functions.push(`function ${name}(x) {\n${emit(g, schema, 'x')}\nreturn true;\n}`);
  return name;
};

/**
 * A nested object or list is checked by a function of its own: many small functions cost V8 far less
 * to optimise than one large one (about 100 ms less CPU per run here), and run as fast.
 */
const nested = (g: Generator, schema: unknown, v: string): string =>
  isObject(schema) && (schema.type === 'object' || schema.type === 'array')
    ? `if (!${helper(g, schema)}(${v})) return false;`
    : emit(g, schema, v);

/**
 * Statements that `return false` when the value in variable `v` fails `schema`. Only the keywords
 * lifeboat's schemas use are implemented, each as ajv evaluates it (a keyword for one type passes
 * values of other types; `type` rejects those); any other keyword throws UnsupportedSchemaError.
 */
const emit = (g: Generator, schema: unknown, v: string): string => {
  if (schema === true) return '';
  if (schema === false) return 'return false;';
  if (!isObject(schema)) throw new UnsupportedSchemaError('schema is not an object');
  const out: string[] = [];
  const strings: string[] = [];
  const numbers: string[] = [];
  const arrays: string[] = [];
  let objectKeywords = false;
  let onlyType: string | undefined;
  for (const keyword of Object.keys(schema)) {
    const value = schema[keyword];
    switch (keyword) {
      case 'type': {
        const names = Array.isArray(value) ? value : [value];
        const tests = names.map((name) => {
          const test = typeof name === 'string' ? TYPE_TESTS[name] : undefined;
          if (!test) throw new UnsupportedSchemaError(`type ${String(name)}`);
          return test(v);
        });
        if (names.length === 1) onlyType = names[0] as string;
        out.unshift(`if (!(${tests.join(' || ')})) return false;`);
        break;
      }
      case 'const':
        out.push(
          value !== null && typeof value === 'object'
            ? `if (!eq(${v}, ${constant(g, value)})) return false;`
            : `if (${v} !== ${literal(g, value)}) return false;`,
        );
        break;
      case 'anyOf': {
        if (!Array.isArray(value) || value.length === 0) throw new UnsupportedSchemaError('anyOf');
        const branches = value.map((branch) => {
          const literal = constOnly(branch);
          return literal !== undefined ? `${v} === ${literal}` : `${helper(g, branch)}(${v})`;
        });
        out.push(`if (!(${branches.join(' || ')})) return false;`);
        break;
      }
      case 'pattern':
        if (typeof value !== 'string') throw new UnsupportedSchemaError('pattern');
        strings.push(
          PLAIN_PREFIX.test(value)
            ? `if (!${v}.startsWith(${JSON.stringify(value.slice(1))})) return false;`
            : `if (!${constant(g, new RegExp(value, 'u'))}.test(${v})) return false;`,
        );
        break;
      case 'minLength': {
        // Code points never outnumber UTF-16 units: count them only when the units alone cannot decide.
        const n = bound(schema, keyword);
        strings.push(
          Number(n) <= 1
            ? `if (${v}.length < ${n}) return false;`
            : `if (${v}.length < ${n} || cp(${v}) < ${n}) return false;`,
        );
        break;
      }
      case 'maxLength': {
        const n = bound(schema, keyword);
        strings.push(`if (${v}.length > ${n} && cp(${v}) > ${n}) return false;`);
        break;
      }
      // Written as !(v >= n), like ajv's `v < n || isNaN(v)`: NaN fails every bound.
      case 'minimum':
        numbers.push(`if (!(${v} >= ${bound(schema, keyword)})) return false;`);
        break;
      case 'maximum':
        numbers.push(`if (!(${v} <= ${bound(schema, keyword)})) return false;`);
        break;
      case 'exclusiveMinimum':
        numbers.push(`if (!(${v} > ${bound(schema, keyword)})) return false;`);
        break;
      case 'exclusiveMaximum':
        numbers.push(`if (!(${v} < ${bound(schema, keyword)})) return false;`);
        break;
      case 'items': {
        if (Array.isArray(value)) throw new UnsupportedSchemaError('items as a tuple');
        const i = fresh(g, 'i');
        const item = fresh(g, 'v');
        const body = nested(g, value, item);
        if (body !== '')
          arrays.push(
            `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { const ${item} = ${v}[${i}]; ${body} }`,
          );
        break;
      }
      case 'minItems':
        arrays.push(`if (${v}.length < ${bound(schema, keyword)}) return false;`);
        break;
      case 'maxItems':
        arrays.push(`if (${v}.length > ${bound(schema, keyword)}) return false;`);
        break;
      case 'uniqueItems':
        if (typeof value !== 'boolean') throw new UnsupportedSchemaError('uniqueItems');
        if (value) arrays.push(`if (dup(${v})) return false;`);
        break;
      case 'properties':
      case 'required':
      case 'additionalProperties':
      case 'patternProperties':
        objectKeywords = true;
        break;
      default:
        if (!ANNOTATIONS.has(keyword)) throw new UnsupportedSchemaError(`keyword ${keyword}`);
    }
  }
  const guarded = (type: string, test: string, statements: string[]) => {
    if (statements.length === 0) return;
    const body = statements.join(' ');
    out.push(onlyType === type ? body : `if (${test}) { ${body} }`);
  };
  guarded('string', `typeof ${v} === "string"`, strings);
  guarded('number', `typeof ${v} === "number"`, numbers);
  guarded('array', `Array.isArray(${v})`, arrays);
  if (objectKeywords) guarded('object', objectTest(v), [emitObject(g, schema, v)]);
  return out.join('\n');
};

/** properties, required, patternProperties and additionalProperties, as ajv reads them. */
const emitObject = (g: Generator, schema: Record<string, unknown>, v: string): string => {
  const properties = schema.properties ?? {};
  const patterns = schema.patternProperties ?? {};
  const required = schema.required ?? [];
  const additional = schema.additionalProperties ?? true;
  if (!isObject(properties) || !isObject(patterns)) throw new UnsupportedSchemaError('properties');
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string'))
    throw new UnsupportedSchemaError('required');
  const out: string[] = [];
  // ajv tests presence as `data[name] !== undefined` and walks keys with for…in: so does this.
  for (const name of required as string[])
    out.push(`if (${v}[${JSON.stringify(name)}] === undefined) return false;`);
  for (const [name, sub] of Object.entries(properties)) {
    const x = fresh(g, 'v');
    const body = nested(g, sub, x);
    if (body !== '')
      out.push(`{ const ${x} = ${v}[${JSON.stringify(name)}]; if (${x} !== undefined) { ${body} } }`);
  }
  const matched = Object.entries(patterns);
  if (matched.length === 0 && additional === true) return out.join('\n');
  const key = fresh(g, 'k');
  const covered = fresh(g, 'c');
  const names = Object.keys(properties);
  const known =
    names.length === 0
      ? 'false'
      : names.length <= 12
        ? names.map((n) => `${key} === ${JSON.stringify(n)}`).join(' || ')
        : `${constant(g, new Set(names))}.has(${key})`;
  const loop = [`let ${covered} = ${known};`];
  for (const [pattern, sub] of matched) {
    const x = fresh(g, 'v');
    loop.push(
      `if (${constant(g, new RegExp(pattern, 'u'))}.test(${key})) { ${covered} = true; const ${x} = ${v}[${key}]; ${emit(g, sub, x)} }`,
    );
  }
  if (additional !== true) {
    const x = fresh(g, 'v');
    loop.push(`if (!${covered}) { const ${x} = ${v}[${key}]; ${emit(g, additional, x)} }`);
  }
  out.push(`for (const ${key} in ${v}) { ${loop.join(' ')} }`);
  return out.join('\n');
};

/**
 * Compile a JSON Schema (a TypeBox schema is one) into a check that accepts exactly what ajv accepts,
 * as generated code like ajv's own but without error reporting. A schema with a keyword this does not
 * implement throws UnsupportedSchemaError, so it is checked by ajv alone until this learns it, never wrongly.
 */
export const compileQuickCheck = (schema: unknown): QuickCheck => {
  const g: Generator = { scope: [], functions: [], names: 0 };
  const body = emit(g, schema, 'v');
  // Generated from lifeboat's own schemas (names JSON-quoted, patterns passed as RegExp objects), never from data.
  const factory = new Function(
    's',
    'eq',
    'dup',
    'cp',
    `'use strict';\n${g.functions.join('\n')}\nreturn function quickCheck(v) {\n${body}\nreturn true;\n};`,
  ) as (
    scope: unknown[],
    eq: typeof deepEqual,
    dup: typeof hasDuplicates,
    cp: typeof codePoints,
  ) => QuickCheck;
  return factory(g.scope, deepEqual, hasDuplicates, codePoints);
};
