export * from './backup-status.js';
export * from './explain.js';
export * from './help.js';
export * from './request-status.js';
export * from './restore-modal.js';
export * from './slack-text.js';
