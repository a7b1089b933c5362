export * from './audit-log.js';
export * from './render.js';
export * from './types.js';
