export * from './ids.js';
export * from './mutex.js';
export * from './store.js';
export * from './transitions.js';
export * from './types.js';
