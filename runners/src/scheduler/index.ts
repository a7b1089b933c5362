// The scheduler: what is due at a site (pure), when heavy jobs may start, and one lock per repository.
export * from './due.js';
export * from './local-time.js';
export * from './locks.js';
export * from './occurrences.js';
export * from './windows.js';
