import type { BackupPolicy, Entry, Image, Inventory, Site } from '@lifeboat/core';
import type { BotRequest, RequestDraft } from '../requests/types.js';
import type { ApprovalDecision, GroupsOf, RequestDecision } from './types.js';

// Who may ask and who may approve, from git: the site's access lists, narrowed by the policy's restore
// lists when it has them. Approval when the policy asks for it and always for in-place restores and
// image restores; the requester never approves their own request.

interface Subject {
  site: Entry<Site>;
  policy?: Entry<BackupPolicy>;
  image?: Entry<Image>;
}

const find = (
  inventory: Inventory,
  draft: Pick<RequestDraft, 'site' | 'policy' | 'image'>,
): Subject | string => {
  const site = inventory.sites.find((s) => s.value.metadata.name === draft.site);
  if (!site) return 'draft.unknown-site';
  if (draft.policy !== undefined) {
    const policy = inventory.policies.find((p) => p.value.metadata.name === draft.policy);
    if (!policy) return 'draft.unknown-policy';
    if (policy.value.spec.site !== draft.site) return 'draft.wrong-site';
    return { site, policy };
  }
  if (draft.image !== undefined) {
    const image = inventory.images.find((i) => i.value.metadata.name === draft.image);
    if (!image) return 'draft.unknown-image';
    if (image.value.spec.site !== draft.site) return 'draft.wrong-site';
    return { site, image };
  }
  return 'draft.no-subject';
};

/** Requesters: the policy's restore.requesters when set, else the site's; approvers may always ask. */
export const requestersOf = (subject: Subject): string[] => {
  const listed = subject.policy?.value.spec.restore?.requesters ?? subject.site.value.spec.access.requesters;
  return [...new Set([...listed, ...approversOf(subject)])];
};

/** Approvers: the policy's restore.approvers (or the image's approvers) when set, else the site's. */
export const approversOf = (subject: Subject): string[] =>
  subject.policy?.value.spec.restore?.approvers ??
  subject.image?.value.spec.approvers ??
  subject.site.value.spec.access.approvers;

/** True when `userId` is listed or is in a listed user group (S…). A failing group lookup counts as "not in it". */
export const isMember = async (
  userId: string,
  listed: readonly string[],
  groupsOf: GroupsOf,
): Promise<boolean> => {
  if (listed.includes(userId)) return true;
  for (const id of listed) {
    if (!id.startsWith('S')) continue;
    const members = await groupsOf(id).catch(() => [] as readonly string[]);
    if (members.includes(userId)) return true;
  }
  return false;
};

const subjectName = (d: Pick<RequestDraft, 'policy' | 'image'>) =>
  d.policy !== undefined ? `policy ${d.policy}` : `image ${d.image ?? '?'}`;

export const authorizeRequest = async (
  inventory: Inventory,
  draft: RequestDraft,
  userId: string,
  groupsOf: GroupsOf,
): Promise<RequestDecision> => {
  const subject = find(inventory, draft);
  if (typeof subject === 'string')
    return { allowed: false, code: subject, why: `${subject}: the request names nothing restorable` };
  const policySpec = subject.policy?.value.spec;
  if (draft.kind === 'restore' && policySpec?.restore === undefined)
    return {
      allowed: false,
      code: 'authz.no-restore-section',
      why: `${subjectName(draft)} has no spec.restore section, so it takes no restore requests`,
    };
  const requesters = requestersOf(subject);
  if (!(await isMember(userId, requesters, groupsOf)))
    return {
      allowed: false,
      code: 'authz.not-requester',
      why: `<@${userId}> is not a requester of ${subjectName(draft)} at site ${draft.site}`,
    };

  let needsApproval: boolean;
  let reason: string;
  if (draft.kind === 'drill') {
    needsApproval = false;
    reason = 'drills restore into the sandbox and need no approval';
  } else if (draft.kind === 'image-restore') {
    needsApproval = true;
    reason = 'image restores always need an approval';
  } else if (draft.target === 'in-place') {
    needsApproval = true;
    reason = 'in-place restores overwrite live data and always need an approval';
  } else if (policySpec?.restore?.approval === 'required') {
    needsApproval = true;
    reason = `${subjectName(draft)} requires an approval for every restore`;
  } else {
    needsApproval = false;
    reason = `${subjectName(draft)} restores to its alternate target without approval`;
  }
  const approvers = approversOf(subject).filter((a) => a !== userId);
  if (needsApproval && approvers.length === 0)
    return {
      allowed: false,
      code: 'authz.no-approvers',
      why: `${reason}, but nobody other than the requester can approve it`,
    };
  return { allowed: true, needsApproval, approvers: needsApproval ? approvers : [], why: reason };
};

export const authorizeApproval = async (
  inventory: Inventory,
  request: BotRequest,
  userId: string,
  groupsOf: GroupsOf,
): Promise<ApprovalDecision> => {
  if (userId === request.requester)
    return {
      allowed: false,
      code: 'authz.self-approval',
      why: `<@${userId}> asked for this restore and cannot approve it`,
    };
  if (request.state !== 'pending-approval')
    return { allowed: false, code: 'authz.not-pending', why: `the request is already ${request.state}` };
  const subject = find(inventory, request);
  if (typeof subject === 'string')
    return { allowed: false, code: subject, why: `${subjectName(request)} is no longer in the inventory` };
  if (!(await isMember(userId, approversOf(subject), groupsOf)))
    return {
      allowed: false,
      code: 'authz.not-approver',
      why: `<@${userId}> is not an approver of ${subjectName(request)} at site ${request.site}`,
    };
  return { allowed: true };
};
