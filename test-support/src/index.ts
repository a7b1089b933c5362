// Fakes of the external APIs lifeboat talks to, shared by every package's tests.
export * from './fake-github.js';
export * from './fake-slack.js';
export * from './fake-slack-socket.js';
export * from './slack-signing.js';
export * from './zip-builder.js';
