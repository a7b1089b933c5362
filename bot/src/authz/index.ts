export * from './authorize.js';
export * from './paths.js';
export * from './types.js';
export * from './validate-draft.js';
