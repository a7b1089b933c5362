import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DOCS_CATALOGUE } from './codes.js';
import { lintRunbook } from './lint.js';

const NAMES = {
  sites: new Set(['lisle']),
  policies: new Set(['lisle-finance-share']),
  images: new Set(['hp-kvm-sdcard']),
};

const lint = async (scenario: string) => {
  const text = await readFile(new URL(`./fixtures/${scenario}.md`, import.meta.url), 'utf8');
  return lintRunbook(text, `runbooks/${scenario}.md`, NAMES);
};
const summary = (problems: Awaited<ReturnType<typeof lint>>) =>
  problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`);

describe('runbook lint', () => {
  it('accepts a runbook with every section in order and known directives', async () => {
    expect(await lint('valid')).toEqual([]);
  });

  it('missing-rollback: names the missing section', async () => {
    const problems = await lint('missing-rollback');
    expect(problems.map((p) => p.code)).toEqual(['runbook.missing-section']);
    expect(problems[0]?.message).toContain('## Rollback');
    expect(problems[0]?.severity).toBe('error');
  });

  it('sections-out-of-order: points at the misplaced heading', async () => {
    expect(summary(await lint('sections-out-of-order'))).toEqual([
      'runbooks/sections-out-of-order.md:11:1 runbook.section-order',
    ]);
  });

  it('unknown-directive: file:line:col of the directive', async () => {
    const problems = await lint('unknown-directive');
    expect(summary(problems)).toEqual(['runbooks/unknown-directive.md:13:1 runbook.unknown-directive']);
    expect(problems[0]?.message).toContain('::restore-stepz');
  });

  it('unknown-policy, unknown image, bad field and missing attribute', async () => {
    expect(summary(await lint('unknown-policy')).sort()).toEqual(
      [
        'runbooks/unknown-policy.md:13:1 runbook.unknown-policy',
        'runbooks/unknown-policy.md:17:7 runbook.directive-attribute',
        'runbooks/unknown-policy.md:21:1 runbook.unknown-image',
        'runbooks/unknown-policy.md:23:1 runbook.directive-attribute',
      ].sort(),
    );
  });

  it('no title, an empty and a repeated section, two titles', async () => {
    const codes = (await lint('no-title-empty-section')).map((p) => p.code).sort();
    expect(codes).toEqual([
      'runbook.duplicate-section',
      'runbook.empty-section',
      'runbook.missing-title',
      'runbook.multiple-titles',
    ]);
  });

  it('raw-html: refuses tags but allows comments', async () => {
    const text = (await readFile(new URL('./fixtures/valid.md', import.meta.url), 'utf8')).replace(
      'Files open.',
      'Files open.\n\n<!-- a note -->\n\n<script>alert(1)</script>\n\nInline <b>bold</b>.',
    );
    const problems = await lintRunbook(text, 'runbooks/raw-html.md', NAMES);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual([
      '27:1 runbook.raw-html',
      '29:8 runbook.raw-html',
      '29:15 runbook.raw-html',
    ]);
  });

  it('has a catalogue entry for every code it emits', async () => {
    const all = [
      ...(await lint('missing-rollback')),
      ...(await lint('sections-out-of-order')),
      ...(await lint('unknown-directive')),
      ...(await lint('unknown-policy')),
      ...(await lint('no-title-empty-section')),
    ];
    for (const p of all) expect(DOCS_CATALOGUE[p.code], p.code).toBeDefined();
    const empty = await lintRunbook('just text', 'runbooks/x.md', NAMES);
    expect(empty.map((p) => p.code)).toContain('runbook.missing-title');
    expect(DOCS_CATALOGUE['runbook.missing-title']).toBeDefined();
  });
});
