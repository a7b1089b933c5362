// `lifeboat demo`: a whole site on loopback through the real jobs and orchestration (see run-demo.ts).
export * from './demo-site.js';
export * from './disk-image.js';
export * from './rest-service.js';
export * from './run-demo.js';
export * from './steps.js';
