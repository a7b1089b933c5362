// Public API of the Slack bot.

export * from './app.js';
export * from './audit/index.js';
export * from './authz/index.js';
export * from './catalogue/index.js';
export * from './config/index.js';
export * from './dispatch/index.js';
export * from './listeners/index.js';
export * from './messages/index.js';
export * from './rate-limit/index.js';
export * from './records/index.js';
export * from './requests/index.js';
