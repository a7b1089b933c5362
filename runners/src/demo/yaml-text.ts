// Plain data → block-style YAML text for the demo's inventory files. runners has no YAML library (only core
// parses YAML); strings are written JSON-quoted, which YAML reads as double-quoted scalars, so any path is safe.

type Value =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly Value[]
  | { readonly [key: string]: Value };

const scalar = (v: string | number | boolean | null): string =>
  typeof v === 'string' ? JSON.stringify(v) : String(v);

const isScalar = (v: Value): v is string | number | boolean | null => v === null || typeof v !== 'object';

const lines = (value: Value, indent: string): string[] => {
  if (Array.isArray(value)) {
    const items = value as readonly Value[];
    return items.flatMap((item) => {
      if (isScalar(item)) return [`${indent}- ${scalar(item)}`];
      const [first = '', ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, Value>)) {
    if (v === undefined) continue;
    if (isScalar(v)) out.push(`${indent}${key}: ${scalar(v)}`);
    else if (Array.isArray(v) && v.length === 0) out.push(`${indent}${key}: []`);
    else if (Array.isArray(v) && v.every(isScalar))
      out.push(`${indent}${key}: [${(v as (string | number | boolean | null)[]).map(scalar).join(', ')}]`);
    else out.push(`${indent}${key}:`, ...lines(v, `${indent}  `));
  }
  return out;
};

/** One YAML document, after its comment lines. */
export const toYaml = (value: Value, comments: readonly string[] = []): string =>
  `${comments.map((c) => `# ${c}\n`).join('')}${lines(value, '').join('\n')}\n`;

export type YamlValue = Value;
