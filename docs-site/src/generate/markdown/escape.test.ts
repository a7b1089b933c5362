import { describe, expect, it } from 'vitest';
import { code, codeBlock, link, text } from './escape.js';
import { flowchart, mermaidLabel } from './mermaid.js';
import { cell, table } from './table.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '| a | b |',
  '`code` ``more``',
  '[click](javascript:alert(1))',
  '# heading\n## another',
  '**bold** _em_ ~~strike~~',
  '{#custom-id} {props}',
  ':::danger\nboom\n:::',
  '```\nfence\n```',
  '&amp; &#60;',
  '"]\n  evil["x',
  '- item',
  '1. first',
];

describe('text', () => {
  it.each(HOSTILE)('keeps %j as text on one line', (value) => {
    const out = text(value);
    expect(out).not.toContain('\n');
    expect(out).not.toMatch(/(^|[^\\])[<>`|[\]*_{}]/);
    expect(out).not.toMatch(/^(#|-|\d+\.)/);
  });

  it('escapes entities and directive starts', () => {
    expect(text('a & b')).toBe('a &amp; b');
    expect(text('see :policy-fact now')).toBe('see \\:policy-fact now');
  });
});

describe('code', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('``x``')).toBe('``` ``x`` ```');
    expect(code('plain')).toBe('`plain`');
  });
  it('keeps code blocks closed whatever the body holds', () => {
    const block = codeBlock('echo ```\n````', 'sh');
    expect(block.startsWith('`````sh\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
  });
});

describe('link', () => {
  it('escapes the label and encodes the target', () => {
    expect(link('a](x)', '../p q.md')).toBe('[a\\](x)](../p%20q.md)');
  });
});

describe('table', () => {
  it('escapes pipes in every cell, code spans included', () => {
    const out = table(['A', 'B'], [[code('x | y'), text('p | q')]]);
    const row = out.split('\n')[2] ?? '';
    // Three unescaped pipes: the two borders and one separator.
    expect(row.match(/(^|[^\\])\|/g)?.length).toBe(3);
    expect(cell('a\nb')).toBe('a b');
  });
  it('says so when there are no rows', () => {
    expect(table(['A'], [], 'nothing')).toBe('nothing');
  });
});

describe('mermaid', () => {
  it.each(HOSTILE)('neutralises %j in a label', (value) => {
    const label = mermaidLabel(value);
    expect(label).not.toMatch(/["<>`[\]{}|\n]/);
  });
  it('quotes every label and uses its own ids', () => {
    const chart = flowchart(
      [{ id: 'g', label: 'G "x"', nodes: [{ id: 'n1', label: '<b>end</b>', shape: 'store' }] }],
      [{ from: 'n1', to: 'n1', label: '|x|' }],
    );
    expect(chart).toContain('n1[("#60;b#62;end#60;/b#62;")]');
    expect(chart).toContain('subgraph g["G #34;x#34;"]');
    expect(chart).toContain('-->|"#124;x#124;"|');
    expect(chart.startsWith('```mermaid\nflowchart LR')).toBe(true);
  });
});
