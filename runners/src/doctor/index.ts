// `lifeboat doctor`: whether this runner can do what its site asks, and what to fix.
export * from './clock.js';
export * from './doctor.js';
export * from './findings.js';
