import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { LoadedDocument } from '../loader/index.js';
import { problemIn } from '../loader/index.js';
import { type PathSegment, type Problem, quote } from '../problem/index.js';
import { API_VERSION, type Kind, SCHEMAS } from '../schema/index.js';
import { compileQuickCheck, type QuickCheck, UnsupportedSchemaError } from './quick-check.js';

// Shape checks: ajv finds every violation, this module turns each into one positioned, readable Problem.

// ajv (every error, verbose) is compiled on the first document that fails the quick check: a clean
// inventory never pays its ~100 ms compile. optimize: false halves that compile for validators no slower
// on these small documents: ajv's optimizer passes pay off on large schemas run many times, not here.
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();
const validatorFor = (kind: Kind): ValidateFunction => {
  let v = validators.get(kind);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true, code: { optimize: false } });
    v = ajv.compile(SCHEMAS[kind]);
    validators.set(kind, v);
  }
  return v;
};

/** undefined when the schema uses a keyword the quick check does not know: ajv then checks alone. */
const quickChecks = new Map<Kind, QuickCheck | undefined>();
const quickCheckFor = (kind: Kind): QuickCheck | undefined => {
  if (!quickChecks.has(kind)) {
    let check: QuickCheck | undefined;
    try {
      check = compileQuickCheck(SCHEMAS[kind]);
    } catch (err) {
      if (!(err instanceof UnsupportedSchemaError)) throw err;
    }
    quickChecks.set(kind, check);
  }
  return quickChecks.get(kind);
};

/**
 * Both verdicts on one value: the quick check's (undefined when it cannot check this kind) and ajv's.
 * For the tests that hold the two to the same answer; checkSchema relies on quick ⇒ ajv.
 */
export const schemaVerdicts = (kind: Kind, value: unknown): { quick: boolean | undefined; ajv: boolean } => ({
  quick: quickCheckFor(kind)?.(value),
  ajv: validatorFor(kind)(value) === true,
});

const pointerToPath = (pointer: string): PathSegment[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));

const where = (path: PathSegment[]) => (path.length ? formatPathForMessage(path) : 'document');
const formatPathForMessage = (path: PathSegment[]) =>
  path.reduce<string>((o, s) => (typeof s === 'number' ? `${o}[${s}]` : o ? `${o}.${s}` : s), '');

const typeOf = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'mapping' : typeof v;

const getAt = (root: unknown, path: PathSegment[]): unknown =>
  path.reduce<unknown>(
    (o, s) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[s as string] : undefined),
    root,
  );

const distance = (a: string, b: string): number => {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
};

const suggest = (key: string, allowed: string[]): string => {
  const best = allowed
    .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean "${best.k}"?` : '';
};

/** The kinds an inventory file may declare (run records are written by runners, never by hand). */
const known = Object.keys(SCHEMAS).filter((k) => k !== 'RunRecord');

/** Check a parsed document's envelope and shape. Returns its kind when it can be used as typed data. */
export const checkSchema = (document: LoadedDocument): { kind?: Kind; problems: Problem[] } => {
  const value = document.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      problems: [
        problemIn(
          document,
          [],
          'schema.not-a-mapping',
          `document must be a mapping with apiVersion, kind, metadata and spec, got ${typeOf(value)}`,
        ),
      ],
    };
  }
  const record = value as Record<string, unknown>;
  const problems: Problem[] = [];
  if (record.apiVersion !== API_VERSION) {
    problems.push(
      problemIn(
        document,
        ['apiVersion'],
        'schema.api-version',
        record.apiVersion === undefined
          ? `missing apiVersion: expected "${API_VERSION}"`
          : `unsupported apiVersion ${quote(record.apiVersion)}: expected "${API_VERSION}"`,
      ),
    );
  }
  const kind = record.kind;
  if (typeof kind !== 'string' || !known.includes(kind)) {
    problems.push(
      problemIn(
        document,
        ['kind'],
        'schema.kind',
        kind === undefined
          ? `missing kind: expected one of ${known.join(', ')}`
          : `unknown kind ${quote(kind)}: expected one of ${known.join(', ')}`,
      ),
    );
    return { problems };
  }
  // The quick check accepts only what ajv accepts: ajv runs (and explains) only when it refuses.
  if (quickCheckFor(kind as Kind)?.(value) !== true) {
    const validate = validatorFor(kind as Kind);
    if (!validate(value)) problems.push(...explain(document, validate.errors ?? []));
  }
  return problems.length === 0 ? { kind: kind as Kind, problems } : { problems };
};

const explain = (document: LoadedDocument, errors: ErrorObject[]): Problem[] => {
  // A union of literals reports one `const` error per branch plus the `anyOf`; keep the anyOf only.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  // apiVersion is checked (and reported) before the schema runs: one problem per mistake.
  const envelope = (e: ErrorObject) =>
    e.instancePath === '/apiVersion' ||
    (e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'apiVersion');
  const kept = errors.filter((e) => !envelope(e) && !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of kept) {
    const path = pointerToPath(e.instancePath);
    const actual = getAt(document.value, path);
    let problem: Problem;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys(
          (e.parentSchema as { properties?: object } | undefined)?.properties ?? {},
        );
        problem = problemIn(
          document,
          [...path, key],
          'schema.unknown-key',
          `unknown key ${quote(key)} in ${where(path)}${suggest(key, allowed)}`,
          { key: true },
        );
        break;
      }
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        problem = problemIn(
          document,
          path,
          'schema.required',
          `${where(path)} is missing required key "${missing}"`,
        );
        problem.path = formatPathForMessage([...path, missing]);
        break;
      }
      case 'type':
        problem = problemIn(
          document,
          path,
          'schema.type',
          `${where(path)} must be ${article((e.params as { type: string }).type)}, got ${typeOf(actual)}${typeof actual === 'object' ? '' : ` ${typeof actual === 'string' ? quote(actual) : String(actual)}`}`,
        );
        break;
      case 'anyOf': {
        const branches = ((e.parentSchema as { anyOf?: Array<{ const?: unknown }> })?.anyOf ?? []).map(
          (b) => b.const,
        );
        const message = branches.every((b) => b !== undefined)
          ? `${where(path)} must be one of ${branches.map((b) => JSON.stringify(b)).join(', ')}, got ${quote(actual)}`
          : `${where(path)} does not match any allowed form`;
        problem = problemIn(document, path, 'schema.enum', message);
        break;
      }
      case 'const':
        problem = problemIn(
          document,
          path,
          'schema.enum',
          `${where(path)} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, got ${quote(actual)}`,
        );
        break;
      case 'pattern': {
        const description = (e.parentSchema as { description?: string } | undefined)?.description;
        problem = problemIn(
          document,
          path,
          'schema.pattern',
          `${where(path)} ${quote(actual)} is not valid${description ? `: ${description}` : ` (pattern ${(e.params as { pattern: string }).pattern})`}`,
        );
        break;
      }
      default:
        problem = problemIn(
          document,
          path,
          `schema.${e.keyword === 'uniqueItems' ? 'duplicate-item' : 'value'}`,
          `${where(path)} ${e.message ?? 'is invalid'}`,
        );
    }
    const key = `${problem.code}|${problem.path}|${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
};

const article = (type: string) =>
  type === 'integer'
    ? 'an integer'
    : type === 'array'
      ? 'a list'
      : type === 'object'
        ? 'a mapping'
        : `a ${type}`;
