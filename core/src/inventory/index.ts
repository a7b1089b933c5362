export * from './check-schema.js';
export * from './load-inventory.js';
