import { fileURLToPath } from 'node:url';

// Where the Docusaurus project lives, found from this module (src/build or dist/build: same depth) so the CLI
// works from any working directory.

/** docs-site/site: docusaurus.config.ts, sidebars.ts, src/css. */
export const SITE_DIR = fileURLToPath(new URL('../../site/', import.meta.url)).replace(/\/$/, '');

/** docs-site/site/docs: where `lifeboat docs` generates the pages (gitignored). */
export const DEFAULT_DOCS_DIR = `${SITE_DIR}/docs`;

/** docs-site/site/build: where `lifeboat docs` builds the site (gitignored). */
export const DEFAULT_BUILD_DIR = `${SITE_DIR}/build`;
