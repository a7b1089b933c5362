// Runbook lint, reading and codes.
export { DOCS_CATALOGUE } from './codes.js';
export { inventoryNames, lintRunbook, lintRunbooks, RUNBOOK_RULES } from './lint.js';
export { RUNBOOK_DIR, type RunbookSource, readRunbooks } from './read-runbooks.js';
export { REQUIRED_SECTIONS } from './sections.js';
