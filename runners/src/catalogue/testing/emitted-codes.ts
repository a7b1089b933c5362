import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Finds every problem code the runners' sources can emit, so a test can demand a catalogue entry for each.
//
// Why every code-shaped string literal and not only `code: '…'`: codes reach records through many shapes —
// `code: 'x.y'`, `fail('x.y', …)`, `new LedgerError('x.y', …)`, `report('x.y', …)`, ternaries
// (`a ? 'drill.sample-mismatch' : 'drill.size-mismatch'`), exit-code tables (`{ outcome, code: 'rclone.fatal' }`)
// and regex tuples (`[/…/, 'partclone.no-space']`). Matching call shapes would miss the next helper someone
// writes; matching every literal of the form `word.kebab-word` misses nothing and over-matches only file and
// program names (`manifest.json`, `partclone.ext4`, `mkfs.vfat`) and Slack API methods (`chat.update`), which are excluded below by rule or by name. An
// over-match fails loudly (and is fixed by naming the literal below); an under-match would pass silently.
//
// The TypeScript parser does the reading, so comments, regexes and import paths are never mistaken for
// strings. Codes built at run time (`${result.tool}.failed`, `restic.${kind}`) cannot be read off the text:
// the scan reports every template shaped like one, and the test maps each to the codes it can produce.

/** `restic.locked`, `retention-preview.scope-violated`: kebab-case words joined by dots. */
export const CODE_SHAPE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*)+$/;

/** File names: a code never ends in one of these (`partition-table.sfdisk` is an sfdisk dump). */
const FILE_EXTENSIONS = new Set([
  'sfdisk',
  'sgdisk',
  'json',
  'img',
  'bin',
  'prom',
  'log',
  'tmp',
  'lock',
  'yml',
  'yaml',
  'txt',
  'md',
]);

/** Filesystem tools named `<verb>.<filesystem>`: `mkfs.ext4`, `fsck.fat`. */
const FS_PROGRAM = /^(?:mkfs|fsck)\.[a-z0-9]+$/;

/** Slack Web API methods (`chat.update`): the notifier calls them by name. */
const SLACK_METHOD = /^(?:chat|conversations|users|views|reactions|auth|apps|files)\.[a-z]+$/;

/** GitHub Actions expression contexts (`matrix.site`, `steps.x`) that the workflow generators write. */
const ACTIONS_CONTEXT =
  /^(?:github|matrix|steps|inputs|secrets|env|vars|needs|runner|job|strategy)\.[a-z_]+$/;

/** partclone's per-filesystem binaries, which share the `partclone.` prefix with partclone's codes. */
export const PROGRAM_NAMES = new Set([
  'partclone.btrfs',
  'partclone.dd',
  'partclone.exfat',
  'partclone.ext2',
  'partclone.ext3',
  'partclone.ext4',
  'partclone.fat',
  'partclone.ntfs',
  'partclone.xfs',
]);

export interface Found {
  /** Path relative to the scanned root, `/`-separated. */
  file: string;
  line: number;
  /** The code (for literals), or the template with each `${x}` written `<x>` (for templates). */
  text: string;
}

export interface Scan {
  codes: Found[];
  /** Templates that may build a code at run time: `${x}.suffix` or `prefix.${x}`. */
  templates: Found[];
}

const isCode = (text: string): boolean => {
  if (
    !CODE_SHAPE.test(text) ||
    PROGRAM_NAMES.has(text) ||
    FS_PROGRAM.test(text) ||
    SLACK_METHOD.test(text) ||
    ACTIONS_CONTEXT.test(text)
  )
    return false;
  return !FILE_EXTENSIONS.has(text.slice(text.lastIndexOf('.') + 1));
};

/** `${x}.suffix` (a tool-named code) or `prefix.${x}` (a code with a computed name). */
const isCodeTemplate = (node: ts.TemplateExpression): boolean => {
  const spans = node.templateSpans;
  if (spans.length !== 1) return false;
  const tail = spans[0]?.literal.text ?? '';
  if (node.head.text === '') {
    return /^\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(tail) && !FILE_EXTENSIONS.has(tail.slice(1));
  }
  return tail === '' && /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.$/.test(node.head.text);
};

/** Scans one file's text. */
export const scanSource = (file: string, text: string): Scan => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const scan: Scan = { codes: [], templates: [] };
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    // Module specifiers ('./codes.js') are paths, never codes.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && isCode(node.text)) {
      scan.codes.push({ file, line: lineOf(node), text: node.text });
    } else if (ts.isTemplateExpression(node) && isCodeTemplate(node)) {
      // `${result.tool}.failed` is written `<result.tool>.failed`: lint rightly objects to `${` in plain strings.
      const text = node.templateSpans.reduce(
        (t, span) => `${t}<${span.expression.getText(source)}>${span.literal.text}`,
        node.head.text,
      );
      scan.templates.push({ file, line: lineOf(node), text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return scan;
};

/** The sources that ship: `.ts` files under `root` except tests, test helpers, e2e tests and fixtures. */
export const shippedSources = (root: string): string[] => {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!['testing', 'e2e', 'fixtures', 'node_modules'].includes(e.name)) walk(full);
      } else if (
        e.isFile() &&
        e.name.endsWith('.ts') &&
        !e.name.endsWith('.test.ts') &&
        !e.name.endsWith('.d.ts')
      ) {
        out.push(full);
      }
    }
  };
  walk(root);
  return out.sort();
};

/** Every code literal and code-building template in the shipped sources under `root`. */
export const scanEmittedCodes = (root: string): Scan => {
  const all: Scan = { codes: [], templates: [] };
  for (const full of shippedSources(root)) {
    const rel = path.relative(root, full).split(path.sep).join('/');
    const one = scanSource(rel, readFileSync(full, 'utf8'));
    all.codes.push(...one.codes);
    all.templates.push(...one.templates);
  }
  return all;
};
