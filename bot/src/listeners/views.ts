import type { App, ViewSubmitAction } from '@slack/bolt';
import { normaliseDraft, validateDraft } from '../authz/index.js';
import { blockForField, RESTORE_MODAL, readDraft } from '../messages/index.js';
import { work } from './commands.js';
import type { BotDeps } from './deps.js';
import { submitRequest } from './flow.js';

// The form's Submit: input mistakes go back into the form (response_action: errors, which Slack only takes in
// the ack); everything else is acked at once and handled like the text form. The view id is the idempotency
// key, so a double submit or a retry makes one request.

export const register = (app: App, deps: BotDeps): void => {
  app.view<ViewSubmitAction>(RESTORE_MODAL, async ({ ack, body, view }) => {
    const draft = normaliseDraft(readDraft(view.state.values as never));
    // The inventory is already in memory here (loaded at start), so this check costs microseconds.
    const problems = validateDraft(await deps.inventory(), draft);
    if (problems.length > 0) {
      const errors: Record<string, string> = {};
      for (const p of problems) {
        const block = blockForField(p.field);
        errors[block] = errors[block] ? errors[block] : p.message.slice(0, 150);
      }
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    let channel = '';
    try {
      const meta: unknown = JSON.parse(view.private_metadata || '{}');
      const c = (meta as { channel?: unknown }).channel;
      if (typeof c === 'string') channel = c;
    } catch {
      // No channel: the status goes to the requester's DM below.
    }
    const asker = { user: body.user.id, channel: channel || body.user.id };
    await work(deps, asker, async () => {
      await submitRequest(deps, { draft, asker, idempotencyKey: `view:${view.id}` });
    });
  });
};
