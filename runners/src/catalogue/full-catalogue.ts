import { CORE_CATALOGUE } from '@lifeboat/core';
import { RUNNER_CATALOGUE } from './catalogue.js';
import { type Catalogue, mergeCatalogues } from './merge.js';

// The one catalogue of every code lifeboat emits, for `lifeboat explain`, the docs' troubleshooting page and
// the bot. Codes of packages that runners must not depend on come in as arguments: validators'
// (`fullCatalogue(catalogue())` with `catalogue` from @lifeboat/validators), and the bot's or the docs'.

/**
 * Core's, the validation rules' (`validation`), the runners' and any `others` (BOT_CATALOGUE,
 * DOCS_CATALOGUE); throws if two explain one code differently.
 */
export const fullCatalogue = (validation: Catalogue, ...others: readonly Catalogue[]): Catalogue =>
  mergeCatalogues([CORE_CATALOGUE, validation, RUNNER_CATALOGUE, ...others]);

/** The prefix a code is grouped by: `restic` for `restic.locked`. */
export const codePrefix = (code: string): string => code.split('.', 1)[0] ?? code;
