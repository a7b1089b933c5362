// Disk helpers shared by the image jobs (exported as `disk` from @lifeboat/runners).
export * from './codes.js';
export * from './copy-range.js';
export * from './filesystem.js';
export * from './fsck.js';
export * from './loop-device.js';
export * from './partition-table.js';
export * from './sha256.js';
export * from './space.js';
