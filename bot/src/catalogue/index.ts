export * from './bot-codes.js';
