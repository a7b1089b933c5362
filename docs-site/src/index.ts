// Public API of the runbook site generator.

// The site build and its static server (S).
export * from './build/index.js';
export * from './generate/index.js';
export * from './runbooks/index.js';
