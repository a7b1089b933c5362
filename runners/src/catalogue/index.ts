export * from './catalogue.js';
export * from './demo-codes.js';
export * from './full-catalogue.js';
export * from './job-codes.js';
export * from './ledger-codes.js';
export * from './merge.js';
