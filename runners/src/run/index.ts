// `lifeboat run`: the scheduler's decision (or a request) carried out with injected jobs, locks and run records.
export * from './codes.js';
export * from './events.js';
export * from './lock-retry.js';
export * from './markdown.js';
export * from './records.js';
export * from './request-registries.js';
export * from './requested.js';
export * from './run-due.js';
export type { RunEnvironment } from './run-one.js';
export * from './terminal.js';
export * from './transient-retry.js';
