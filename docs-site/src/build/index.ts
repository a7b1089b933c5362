export * from './build-errors.js';
export * from './build-site.js';
export * from './serve-static.js';
export * from './site-dir.js';
