// The retention preview's public surface (`lifeboat plan --snapshots`).
export * from './codes.js';
export * from './diff.js';
export * from './preview.js';
export * from './types.js';
