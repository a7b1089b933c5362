export * from './github-records.js';
export * from './merged-ledger.js';
export * from './record-source.js';
export * from './zip.js';
