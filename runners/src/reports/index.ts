export * from './csv.js';
export * from './ledger-view.js';
export * from './markdown.js';
export * from './prometheus.js';
export * from './render.js';
export * from './report.js';
export * from './step-summary.js';
