export * from './load-bot-config.js';
export type * from './types.js';
