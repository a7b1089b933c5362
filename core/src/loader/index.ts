export * from './fast-load.js';
export * from './limits.js';
export * from './load-yaml.js';
