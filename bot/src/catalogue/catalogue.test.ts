import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_CATALOGUE } from '@lifeboat/core';
import { RUNNER_CATALOGUE } from '@lifeboat/runners';
import { describe, expect, it } from 'vitest';
import { BOT_CATALOGUE } from './bot-codes.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const sources = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !['e2e', 'testing', 'fixtures'].includes(e.name)) out.push(...(await sources(p)));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
};

describe('BOT_CATALOGUE', () => {
  it('explains every code the bot emits', async () => {
    const emitted = new Set<string>();
    for (const file of await sources(SRC)) {
      if (file.includes(`${path.sep}catalogue${path.sep}`)) continue;
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\b(?:code|problem)\(?\s*[:(]?\s*'([a-z]+\.[a-z-]+)'/g))
        emitted.add(m[1] as string);
      for (const m of text.matchAll(
        /'((?:authz|draft|runner|github|local|dispatch|request|rate)\.[a-z-]+)'/g,
      ))
        emitted.add(m[1] as string);
    }
    expect(emitted.size).toBeGreaterThan(20);
    const missing = [...emitted].filter((c) => !(c in BOT_CATALOGUE)).sort();
    expect(missing).toEqual([]);
  });

  it('has a title, cause and fix for each, and shares no code with core or the runners', () => {
    for (const [code, entry] of Object.entries(BOT_CATALOGUE)) {
      expect(code).toMatch(/^[a-z]+\.[a-z-]+$/);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.cause.length).toBeGreaterThan(10);
      expect(entry.fix.length).toBeGreaterThan(3);
      expect(CORE_CATALOGUE).not.toHaveProperty([code]);
      expect(RUNNER_CATALOGUE).not.toHaveProperty([code]);
    }
  });
});
