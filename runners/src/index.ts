export * from './exec/index.js';
export * from './tools/result.js';
