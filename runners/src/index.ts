export * from './exec/index.js';
export * from './ledger/index.js';
export * from './reports/index.js';
export * as scheduler from './scheduler/index.js';
export * as disk from './tools/disk/index.js';
export * as partclone from './tools/partclone/index.js';
export * as rclone from './tools/rclone/index.js';
export * as restic from './tools/restic/index.js';
export * from './tools/result.js';
