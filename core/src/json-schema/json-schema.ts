import { type Kind, SCHEMAS } from '../schema/index.js';

// Editors read these files through the `# yaml-language-server: $schema=` line; they are generated, never edited.

export const JSON_SCHEMA_DIR = 'schemas';

export const jsonSchemaFileName = (kind: Kind) => `${kind}.schema.json`;

/** The JSON Schema document for one kind, with the TypeBox-only symbols dropped. */
export const jsonSchemaFor = (kind: Kind): Record<string, unknown> => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `https://lifeboat.example/schemas/${jsonSchemaFileName(kind)}`,
  ...(JSON.parse(JSON.stringify(SCHEMAS[kind])) as Record<string, unknown>),
});

/** File name → exact file text for every kind. */
export const renderJsonSchemas = (): Map<string, string> =>
  new Map(
    (Object.keys(SCHEMAS) as Kind[]).map((kind) => [
      jsonSchemaFileName(kind),
      `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`,
    ]),
  );
