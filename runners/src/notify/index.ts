// Telling people what a run did, where they asked for it (Slack threads for bot requests).
export * from './slack/index.js';
