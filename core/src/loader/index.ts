export * from './limits.js';
export * from './load-yaml.js';
