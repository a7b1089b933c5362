import type { App } from '@slack/bolt';
import * as actions from './actions.js';
import * as commands from './commands.js';
import type { BotDeps } from './deps.js';
import * as views from './views.js';

// Listeners grouped by kind (bolt-js starter layout): each module registers its own.

export const registerListeners = (app: App, deps: BotDeps): void => {
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
};

export type { BotDeps, SlackApi } from './deps.js';
export type { Asker, Submission } from './flow.js';
export { decideRequest, expireDue, runApproved, submitRequest } from './flow.js';
export { resumeRequests, watchRun } from './run-watch.js';
export { parseRestoreText, splitWords } from './text-form.js';
export { createWorkQueue, type WorkQueue } from './work-queue.js';
