export * from './formatters/index.js';
export * from './plan/index.js';
export * from './rules/index.js';
export * from './validate.js';
