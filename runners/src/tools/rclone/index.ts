// The rclone adapter's public surface (exported as `rclone` from @lifeboat/runners).
export * from './args.js';
export * from './codes.js';
export * from './outcome.js';
export * from './parse.js';
export * from './rclone.js';
export * from './version.js';
