import type { RequestDraft } from '../requests/types.js';

// Who may ask and who may approve: answers are data with a code, so every decision can be explained in the thread.

/** Members of a Slack user group (S…), e.g. via usergroups.users.list. */
export type GroupsOf = (groupId: string) => Promise<readonly string[]>;

export type RequestDecision =
  | { allowed: true; needsApproval: boolean; approvers: string[]; why: string }
  | { allowed: false; code: string; why: string };

export type ApprovalDecision = { allowed: true } | { allowed: false; code: string; why: string };

/** A problem with a draft: `field` names what the user must fix. */
export interface DraftProblem {
  code: string;
  field: keyof RequestDraft | 'policy/image';
  message: string;
}

export type { RequestDraft };
