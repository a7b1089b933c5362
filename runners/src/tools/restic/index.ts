// The restic adapter's public surface.
export * from './args.js';
export * from './outcome.js';
export * from './parse.js';
export * from './restic.js';
export * from './version.js';
