import type { CatalogueEntry } from '@lifeboat/core';
import { fullCatalogue, mergeCatalogues } from '@lifeboat/runners';
import { catalogue as validationCatalogue } from '@lifeboat/validators';
import { DOCS_CATALOGUE } from '../runbooks/codes.js';

// The troubleshooting page's default catalogue: every code core, validators, runners and the docs emit.

export const defaultCatalogue = (): Readonly<Record<string, CatalogueEntry>> =>
  mergeCatalogues([fullCatalogue(validationCatalogue()), DOCS_CATALOGUE]);
