import type { BotRequest } from '../requests/types.js';

// The workflow_dispatch inputs of restore.yml / drill.yml (runners/src/workflows/dispatch-workflows.ts):
// every value a string, empty for "not given", so the runner's `lifeboat run` reads them all the same way.

export const workflowInputs = (request: BotRequest): Record<string, string> => {
  const common = {
    site: request.site,
    policy: request.policy ?? '',
    image: request.image ?? '',
    request_id: request.id,
    requester: request.requester,
    slack_channel: request.channel,
    slack_thread: request.threadTs ?? '',
    slack_message: request.messageTs ?? '',
  };
  if (request.kind === 'drill') return common;
  return {
    ...common,
    snapshot: request.snapshot,
    paths: request.paths.join('\n'),
    target: request.target,
    approver: request.approver ?? '',
  };
};
