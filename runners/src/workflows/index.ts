// Workflows derived from sites/: one per site, plus restore and drill, generated and checked for drift.
export * from './dispatch-workflows.js';
export * from './generate.js';
export * from './site-workflow.js';
export * from './yaml-text.js';
