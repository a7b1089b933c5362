export * from './catalogue/index.js';
export * from './duration/index.js';
export * from './inventory/index.js';
export * from './json-schema/index.js';
export * from './loader/index.js';
export * from './problem/index.js';
export * from './schedule/index.js';
export * from './schema/index.js';
