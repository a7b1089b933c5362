// The partclone adapter's public surface (exported as `partclone` from @lifeboat/runners).
export * from './args.js';
export * from './codes.js';
export * from './outcome.js';
export * from './parse.js';
export * from './partclone.js';
export * from './version.js';
