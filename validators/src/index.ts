export * from './rules/index.js';
export * from './validate.js';
