// Workflows derived from sites/: one per site, plus restore, drill and the PR snapshot preview, generated and checked for drift.
export * from './dispatch-workflows.js';
export * from './generate.js';
export * from './plan-snapshots-workflow.js';
export * from './site-workflow.js';
export * from './yaml-text.js';
