export * from './cron-fields.js';
export * from './schedule.js';
