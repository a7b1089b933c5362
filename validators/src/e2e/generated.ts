// Scenarios that cannot be committed as text (sizes, bytes, links, file names): built into a temp dir per run.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Expectation } from './scenario.js';

const BASELINE = fileURLToPath(new URL('./fixtures/valid-baseline/', import.meta.url));
/** The clean site every committed scenario starts from. */
export const SITE_TEXT = readFileSync(path.join(BASELINE, 'sites', 'lisle.yaml'), 'utf8');

export interface GeneratedScenario extends Expectation {
  name: string;
  /** Writes the scenario under `root`; `outside` is a sibling directory that is not part of it. */
  build(root: string, outside: string): void;
}

const write = (root: string, file: string, content: string | Uint8Array) => {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
};

/** 1-based line and column (in characters) of the first `needle` in `text`. */
export const positionOf = (text: string, needle: string): { line: number; col: number } => {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${JSON.stringify(needle)} not in the text`);
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - (before.lastIndexOf('\n') + 1) + 1 };
};

const replaceOnce = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`${JSON.stringify(from)} not in the text`);
  return text.replace(from, to);
};

const TITLE = '  title: Lisle office';
const latin1 = replaceOnce(SITE_TEXT, TITLE, '  title: Café Lisle');
const nul = replaceOnce(SITE_TEXT, TITLE, '  title: Lisle\u0000office');
const deep = replaceOnce(
  SITE_TEXT,
  TITLE,
  `${TITLE}\n  labels:\n    deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}`,
);
const crlf = replaceOnce(SITE_TEXT, '  environment: office', '  enviroment: office').replace(/\n/g, '\r\n');
const MANY = 400;
const many = replaceOnce(
  SITE_TEXT,
  '  environment: office\n',
  `  environment: office\n${Array.from({ length: MANY }, (_, i) => `  extra${i}: ${i}\n`).join('')}`,
);
const HOSTILE_NAME = 'sites/\u001b[31mred\nline\u202e\u009b2J.yaml';
const hostile = replaceOnce(
  SITE_TEXT,
  '  environment: office',
  '  environment: office\n  enviroment: office',
);

export const GENERATED: GeneratedScenario[] = [
  {
    name: 'huge-file',
    description: 'A 2 MiB file: refused from its size on disk, before it is read.',
    build: (root) =>
      write(root, 'sites/huge.yaml', `${SITE_TEXT}${`# ${'padding '.repeat(12)}\n`.repeat(22_000)}`),
    problems: [{ code: 'yaml.too-large', file: 'sites/huge.yaml', line: 1, col: 1 }],
  },
  {
    name: 'binary-png',
    description: 'A PNG saved with a .yaml name: its first byte is not UTF-8.',
    build: (root) =>
      write(
        root,
        'sites/logo.yaml',
        Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49]),
      ),
    problems: [{ code: 'yaml.not-utf8', file: 'sites/logo.yaml', line: 1, col: 1 }],
  },
  {
    name: 'binary-elf',
    description: 'An executable saved with a .yaml name: valid UTF-8, but DEL and NUL bytes make it binary.',
    build: (root) =>
      write(
        root,
        'sites/tool.yaml',
        Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e]),
      ),
    problems: [{ code: 'yaml.binary', file: 'sites/tool.yaml', line: 1, col: 1 }],
  },
  {
    name: 'non-utf8-latin1',
    description: 'A title saved as Latin-1: "é" is the single byte E9, reported at its character column.',
    build: (root) => write(root, 'sites/lisle.yaml', Buffer.from(latin1, 'latin1')),
    problems: [{ code: 'yaml.not-utf8', file: 'sites/lisle.yaml', ...positionOf(latin1, 'é') }],
  },
  {
    name: 'utf16-file',
    description: 'The site saved as UTF-16 with a byte-order mark, as some Windows editors do.',
    build: (root) =>
      write(
        root,
        'sites/lisle.yaml',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SITE_TEXT, 'utf16le')]),
      ),
    problems: [{ code: 'yaml.not-utf8', file: 'sites/lisle.yaml', line: 1, col: 1 }],
  },
  {
    name: 'nul-bytes',
    description: 'A NUL byte inside a value.',
    build: (root) => write(root, 'sites/lisle.yaml', nul),
    problems: [{ code: 'yaml.binary', file: 'sites/lisle.yaml', ...positionOf(nul, '\u0000') }],
  },
  {
    name: 'deep-nesting-10k',
    description: '10,000 nested flow sequences: refused at the first level past 32, no stack overflow.',
    build: (root) => write(root, 'sites/lisle.yaml', deep),
    // Levels: document 0, metadata 1, labels 2, so the 30th bracket is level 32.
    problems: [
      {
        code: 'yaml.too-deep',
        file: 'sites/lisle.yaml',
        line: positionOf(deep, 'deep:').line,
        col: positionOf(deep, '[').col + 29,
      },
    ],
  },
  {
    name: 'symlink-outside-root',
    description:
      'A data file that links outside the inventory, a linked /etc and two link cycles: none followed.',
    build: (root, outside) => {
      write(root, 'sites/lisle.yaml', SITE_TEXT);
      write(outside, 'stolen.yaml', 'password: hunter2-outside\n');
      symlinkSync(path.join(outside, 'stolen.yaml'), path.join(root, 'sites', 'shadow.yaml'));
      mkdirSync(path.join(root, 'policies'));
      symlinkSync('/etc', path.join(root, 'policies', 'etc'));
      symlinkSync('.', path.join(root, 'policies', 'loop-a'));
      symlinkSync('..', path.join(root, 'policies', 'loop-b'));
    },
    neverPrinted: ['hunter2-outside'],
    problems: [{ code: 'inventory.outside-root', file: 'sites/shadow.yaml', line: 1, col: 1 }],
  },
  {
    name: 'hostile-file-name',
    description: 'A file name with an ANSI escape, a newline, a bidi override and a C1 CSI.',
    build: (root) => write(root, HOSTILE_NAME, hostile),
    problems: [{ code: 'schema.unknown-key', file: HOSTILE_NAME, ...positionOf(hostile, 'enviroment') }],
  },
  {
    name: 'crlf-line-endings',
    description: 'Windows line endings: positions still count lines and columns correctly.',
    build: (root) => write(root, 'sites/lisle.yaml', crlf),
    problems: [
      { code: 'schema.unknown-key', file: 'sites/lisle.yaml', ...positionOf(crlf, 'enviroment') },
      { code: 'schema.required', file: 'sites/lisle.yaml', ...positionOf(crlf, 'timezone') },
    ],
  },
  {
    name: 'many-problems',
    description: `${MANY} unknown keys in one file: every one reported at its own line.`,
    build: (root) => write(root, 'sites/lisle.yaml', many),
    problems: Array.from({ length: MANY }, (_, i) => ({
      code: 'schema.unknown-key',
      file: 'sites/lisle.yaml',
      ...positionOf(many, `extra${i}:`),
    })),
  },
];
