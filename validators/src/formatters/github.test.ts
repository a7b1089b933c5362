import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from './github.js';
import { HOSTILE, problem, SAMPLE } from './testing/sample-problems.js';

describe('GitHub escaping', () => {
  it('escapes data the way the runner decodes it', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
  });

  it('escapes property values, where : and , also separate', () => {
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });
});

describe('formatGithub', () => {
  it('writes one workflow command per problem with file, line, col and the code as title', () => {
    const lines = formatGithub(SAMPLE, { files: 3 }).trimEnd().split('\n');
    expect(lines).toEqual([
      '::warning file=sites/lisle.yaml,line=1,col=1,title=inventory.schema-header::first line should be "# x"',
      '::error file=sites/lisle.yaml,line=7,col=3,title=schema.unknown-key::unknown key "tmezone" in spec; did you mean "timezone"?',
      '::error file=sites/portage.yaml,line=4,col=9,title=timezone.invalid::unknown time zone "Mars/Olympus"',
      '2 errors, 1 warning in 2 files (3 files checked)',
    ]);
  });

  it('maps notes to notice', () => {
    expect(formatGithub([problem({ severity: 'note' })])).toMatch(/^::notice file=/);
  });

  it('cannot be tricked into a second command or a raw escape by hostile text', () => {
    const out = formatGithub([HOSTILE]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=sites/\\u001b[31mred%0Afake.yaml,line=7,col=3,title=schema.pattern::' +
        'name "\\u001b[2J" is not valid%0A::error::forged 100%25, really: yes%0D\\u202eevil',
    );
    expect(out).not.toContain('\u001b');
  });

  it('leaves out the location of a problem that belongs to no file', () => {
    expect(formatGithub([problem({ file: '' })])).toMatch(/^::error title=schema\.unknown-key::/);
  });
});
