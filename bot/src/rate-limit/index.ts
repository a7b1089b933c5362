export * from './token-bucket.js';
export type * from './types.js';
