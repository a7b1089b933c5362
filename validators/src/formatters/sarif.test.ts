import { describe, expect, it } from 'vitest';
import { catalogue } from '../validate.js';
import { fileUri, formatSarif, toSarif } from './sarif.js';
import { HOSTILE, problem, SAMPLE } from './testing/sample-problems.js';

const CATALOGUE = {
  'schema.unknown-key': { title: 'Unknown key', cause: 'A typo.', fix: 'Fix the spelling.' },
  'inventory.schema-header': { title: 'Missing header', cause: 'No header.', fix: 'Add it.' },
};

describe('formatSarif', () => {
  it('writes a SARIF 2.1.0 log with lifeboat as the driver', () => {
    const log = JSON.parse(formatSarif(SAMPLE, { catalogue: CATALOGUE }));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver.name).toBe('lifeboat');
  });

  it('turns catalogue entries into rules: title, cause and fix', () => {
    const rules = toSarif([], { catalogue: CATALOGUE }).runs[0]?.tool.driver.rules;
    expect(rules).toContainEqual({
      id: 'schema.unknown-key',
      name: 'schema.unknown-key',
      shortDescription: { text: 'Unknown key' },
      fullDescription: { text: 'A typo.' },
      help: { text: 'Fix the spelling.' },
    });
  });

  it('writes one result per problem with level, message and a 1-based region', () => {
    const run = toSarif(SAMPLE, { catalogue: CATALOGUE }).runs[0];
    const result = run?.results.find((r) => r.ruleId === 'schema.unknown-key');
    expect(result).toEqual({
      ruleId: 'schema.unknown-key',
      ruleIndex: run?.tool.driver.rules.findIndex((r) => r.id === 'schema.unknown-key'),
      level: 'error',
      message: { text: 'unknown key "tmezone" in spec; did you mean "timezone"?' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'sites/lisle.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 7, startColumn: 3 },
          },
        },
      ],
    });
    expect(run?.results.map((r) => r.level)).toEqual(['warning', 'error', 'error']);
  });

  it('adds a rule for a code the catalogue lacks, so every ruleIndex is valid', () => {
    const run = toSarif(SAMPLE, { catalogue: CATALOGUE }).runs[0];
    for (const r of run?.results ?? []) expect(run?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain('timezone.invalid');
  });

  it('maps notes to the note level and leaves out locations for problems without a file', () => {
    const [result] =
      toSarif([problem({ severity: 'note', file: '' })], { catalogue: CATALOGUE }).runs[0]?.results ?? [];
    expect(result?.level).toBe('note');
    expect(result?.locations).toBeUndefined();
  });

  it('uses the validators catalogue by default, with every core code in it', () => {
    const ids = toSarif([]).runs[0]?.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual(Object.keys(catalogue()).sort());
    expect(ids).toContain('yaml.syntax');
  });

  it('percent-encodes file names into relative URIs and never emits a raw control byte', () => {
    expect(fileUri('sites/my site #1.yaml')).toBe('sites/my%20site%20%231.yaml');
    const out = formatSarif([HOSTILE], { catalogue: CATALOGUE });
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u202e');
    expect(JSON.parse(out).runs[0].results[0].message.text).toBe(HOSTILE.message);
    expect(JSON.parse(out).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'sites/%1B%5B31mred%0Afake.yaml',
    );
  });
});
