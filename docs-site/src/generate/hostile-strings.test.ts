import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages } from './generate-docs.js';
import { copyExampleInventory } from './testing/example-inventory.js';

// Hostile strings in every free-text field that reaches a page: nothing may become HTML, a link, a
// table cell, a heading, a directive or a way out of a code fence or a Mermaid label.

const EVIL =
  '<script>alert(1)</script> | `x` ``` [a](javascript:alert(1)) <img src=x onerror=alert(1)> {#id} :::danger';
const yamlQuoted = `'${EVIL.replace(/'/g, "''")}'`;

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await copyExampleInventory());
  const edit = async (file: string, pairs: [string, string][]) => {
    const full = path.join(root, file);
    let text = await readFile(full, 'utf8');
    for (const [from, to] of pairs) {
      if (!text.includes(from)) throw new Error(`${file}: ${from} not found`);
      text = text.replace(from, to);
    }
    await writeFile(full, text);
  };
  await edit('policies/lisle-finance-share.yaml', [
    ['title: Lisle finance share', `title: ${yamlQuoted}`],
    ['paths: [/srv/shares/finance]', `paths: ['/srv/shares/finance | <b>x</b> \`y\`']`],
    ["exclude: ['*.tmp'", `exclude: [${yamlQuoted}, '*.tmp'`],
  ]);
  await edit('sites/lisle.yaml', [
    ['title: Lisle — head office', `title: ${yamlQuoted}`],
    ['address: 2400 Warrenville Corporate Ctr, Suite 310, Lisle, IL 60532', `address: ${yamlQuoted}`],
  ]);
});
afterAll(async () => cleanup());

/** The page without code blocks and code spans (whose content is literal by construction). */
const outsideFences = (page: string): string =>
  page.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(?<!`)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, 'CODE');
const pipes = (line: string) => (line.match(/(^|[^\\])\|/g) ?? []).length;

describe('hostile strings', () => {
  it('stay text on every page', async () => {
    const built = await buildPages({ root, outDir: 'unused', now: new Date('2026-03-10T12:00:00Z') });
    expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const touched = built.files.filter((f) => f.path.endsWith('.md') && f.content.includes('alert(1)'));
    expect(touched.map((f) => f.path)).toEqual(
      expect.arrayContaining(['policies/lisle-finance-share.md', 'sites/lisle/index.md']),
    );
    for (const file of touched) {
      const body = outsideFences(file.content.replace(/^---\n[\s\S]*?\n---\n/, ''));
      expect(body, file.path).not.toMatch(/(^|[^\\])<(script|img|b)\b/i);
      expect(body, file.path).not.toMatch(/(^|[^\\])\[a\]\(javascript/);
      expect(body, file.path).not.toMatch(/^:::/m);
      expect(body, file.path).not.toMatch(/(^|[^\\]){#id}/);
      // Every table row has as many cells as its header.
      let header = -1;
      for (const line of body.split('\n')) {
        if (!line.startsWith('|')) {
          header = -1;
          continue;
        }
        if (header < 0) header = pipes(line);
        else expect(pipes(line), `${file.path}: ${line}`).toBe(header);
      }
    }
  });

  it('cannot break out of a Mermaid label or the front matter', async () => {
    const built = await buildPages({ root, outDir: 'unused', now: new Date('2026-03-10T12:00:00Z') });
    const site = built.files.find((f) => f.path === 'sites/lisle/index.md')?.content ?? '';
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(site)?.[1] ?? '';
    expect(mermaid).toContain('#60;b#62;x#60;/b#62;');
    for (const line of mermaid.split('\n')) expect(line).not.toMatch(/<|`|"[^"]*"[^"|\])]*"[^\])]/);
    const front = /^---\n([\s\S]*?)\n---\n/.exec(site)?.[1] ?? '';
    expect(front.split('\n')[0]).toBe(`title: ${yamlQuoted}`);
    expect(front.split('\n')).toHaveLength(4);
  });
});
