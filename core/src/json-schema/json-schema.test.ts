import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../schema/index.js';
import { JSON_SCHEMA_DIR, jsonSchemaFileName, jsonSchemaFor, renderJsonSchemas } from './json-schema.js';

// The committed files in schemas/ are what editors load: they must be exactly what the code generates.
const committedDir = fileURLToPath(new URL(`../../../${JSON_SCHEMA_DIR}/`, import.meta.url));
const committed = () => readdirSync(committedDir).filter((n) => n.endsWith('.schema.json'));
const HINT = 'schemas/ drifted from core: run `npm run build && npm run schemas` and commit the result';

describe('generated JSON Schema files', () => {
  it('has one committed file per kind and no stale ones', () => {
    expect(committed().sort(), HINT).toEqual([...renderJsonSchemas().keys()].sort());
  });

  it.each([...renderJsonSchemas()])('committed %s is byte-identical to the generated one', (name, text) => {
    expect(readFileSync(`${committedDir}${name}`, 'utf8'), HINT).toBe(text);
  });

  it('names every file after its kind and carries the draft-07 header', () => {
    for (const kind of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
      const schema = jsonSchemaFor(kind);
      expect(jsonSchemaFileName(kind)).toBe(`${kind}.schema.json`);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.$id).toBe(`https://lifeboat.example/schemas/${kind}.schema.json`);
      expect(schema.title).toBe(kind);
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('drops TypeBox-only symbols so editors see plain JSON Schema', () => {
    for (const text of renderJsonSchemas().values()) {
      expect(text).not.toMatch(/Symbol\(|\[Kind\]|TypeBox/);
      expect(text.endsWith('}\n')).toBe(true);
    }
  });

  it('is as strict in an editor as in lifeboat: unknown keys and wrong kinds are rejected', () => {
    const ajv = new Ajv({ strict: false });
    const site = ajv.compile(JSON.parse(renderJsonSchemas().get('Site.schema.json') ?? '{}'));
    const valid = {
      apiVersion: 'lifeboat/v1',
      kind: 'Site',
      metadata: { name: 'lisle' },
      spec: {
        timezone: 'America/Chicago',
        environment: 'office',
        runner: { labels: ['lisle'] },
        nas: [],
        access: { approvers: [], requesters: [] },
      },
    };
    expect(site(valid), JSON.stringify(site.errors)).toBe(true);
    expect(site({ ...valid, spec: { ...valid.spec, tmezone: 'UTC' } })).toBe(false);
    expect(site({ ...valid, kind: 'Image' })).toBe(false);
  });
});
