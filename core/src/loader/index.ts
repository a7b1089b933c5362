export * from './limits.js';
export * from './fast-load.js';
export * from './load-yaml.js';
