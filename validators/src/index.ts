export * from './formatters/index.js';
export * from './plan/index.js';
export * from './rules/index.js';
export { editDistance, nearestName, suggestName } from './rules/support/nearest-name.js';
export * from './validate.js';
