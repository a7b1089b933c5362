// A strict reader of the Prometheus text exposition format (0.0.4), to check what the writer produced.

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

const parseValue = (text: string, line: number): number => {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
};

/** `{a="x",b="y\"z"}` → labels and the rest of the line after the closing brace. */
const parseLabels = (text: string, line: number): { labels: Record<string, string>; rest: string } => {
  const labels: Record<string, string> = {};
  let i = 1;
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape \\${next ?? ''}`);
        j += 2;
      } else {
        value += c;
        j += 1;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
  return { labels, rest: text.slice(i + 1) };
};

/** Parse the whole text; throws on anything the format does not allow (or that a scraper would reject). */
export const parseExposition = (text: string): Map<string, ParsedFamily> => {
  if (!text.endsWith('\n')) throw new Error('text must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const series = new Set<string>();
  let current: ParsedFamily | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // a plain comment
      const [, keyword, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      let family = families.get(name);
      if (family && family !== current) throw new Error(`line ${line}: ${name} is not contiguous`);
      if (!family) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
        current = family;
      }
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: bad type ${rest}`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        family.type = rest;
      } else {
        family.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
      }
      return;
    }
    if (raw.trim() === '') throw new Error(`line ${line}: blank line`);
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new Error(`line ${line}: no metric name`);
    const name = nameMatch[0];
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(' ');
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2)
      throw new Error(`line ${line}: bad sample`);
    const value = parseValue(parts[0] ?? '', line);
    const family = families.get(name);
    if (!family || family !== current) throw new Error(`line ${line}: sample of ${name} outside its family`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    series.add(key);
    family.samples.push({ name, labels, value });
  });
  return families;
};
