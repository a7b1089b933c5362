export * from './check-run-record.js';
export * from './check-schema.js';
export * from './load-inventory.js';
