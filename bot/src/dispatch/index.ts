export * from './github.js';
export * from './github-inputs.js';
export * from './local.js';
export type * from './types.js';
