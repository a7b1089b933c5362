import { type CatalogueEntry, compareProblems, type Problem, type Severity } from '@lifeboat/core';
import { catalogue } from '../validate.js';
import { escapeJsonText } from './one-line.js';

// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers): rules from the catalogue, one result per problem.

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifRule {
  id: string;
  name?: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: { text: string };
  locations?: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn: number };
    };
  }>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; informationUri?: string; rules: SarifRule[] } };
    columnKind: 'utf16CodeUnits';
    originalUriBaseIds: Record<string, { description: { text: string } }>;
    results: SarifResult[];
  }>;
}

/** The inventory root: result paths are relative to it. */
export const SRCROOT = '%SRCROOT%';

/** File paths become relative URIs: each segment percent-encoded, slashes kept. */
export const fileUri = (file: string): string => file.split('/').map(encodeURIComponent).join('/');

const ruleFor = (id: string, entry: CatalogueEntry | undefined): SarifRule => ({
  id,
  name: id,
  shortDescription: { text: entry?.title ?? id },
  fullDescription: { text: entry?.cause ?? id },
  help: { text: entry?.fix ?? 'No fix is documented for this code.' },
});

export const toSarif = (
  problems: readonly Problem[],
  options: { catalogue?: Readonly<Record<string, CatalogueEntry>> } = {},
): SarifLog => {
  const entries = options.catalogue ?? catalogue();
  const rules = Object.keys(entries)
    .sort()
    .map((id) => ruleFor(id, entries[id]));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = [...problems].sort(compareProblems).map((p): SarifResult => {
    let ruleIndex = index.get(p.code);
    if (ruleIndex === undefined) {
      // A code missing from the catalogue is a lifeboat bug, but the result must still point somewhere valid.
      ruleIndex = rules.push(ruleFor(p.code, undefined)) - 1;
      index.set(p.code, ruleIndex);
    }
    const result: SarifResult = {
      ruleId: p.code,
      ruleIndex,
      level: p.severity,
      message: { text: p.message },
    };
    if (p.file !== '') {
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: fileUri(p.file), uriBaseId: SRCROOT },
            region: { startLine: p.line, startColumn: p.col },
          },
        },
      ];
    }
    return result;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'lifeboat', rules } },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: 'The inventory root passed to lifeboat validate.' } },
        },
        results,
      },
    ],
  };
};

export const formatSarif = (
  problems: readonly Problem[],
  options: { catalogue?: Readonly<Record<string, CatalogueEntry>> } = {},
): string => `${escapeJsonText(JSON.stringify(toSarif(problems, options), null, 2))}\n`;
