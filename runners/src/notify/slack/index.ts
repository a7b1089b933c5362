export * from './client.js';
export * from './message.js';
export * from './notifier.js';
