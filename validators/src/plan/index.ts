export * from './build-plan.js';
export * from './diff.js';
export * from './field-changes.js';
export * from './git-tree.js';
export * from './local-time.js';
export * from './render-json.js';
export * from './render-markdown.js';
export * from './types.js';
