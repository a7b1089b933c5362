import type { BackupPolicy } from '@lifeboat/core';
import type { Html, InlineCode, Text } from 'mdast';
import { restoreScript, sdCardScript, verifyScript } from '../generate/commands/image-commands.js';
import {
  lifeboatRestoreScript,
  manualRestoreScript,
  offsiteRestoreScript,
  policyRepository,
} from '../generate/commands/restic-commands.js';
import { type DocsContext, policiesOf, siteOf } from '../generate/context.js';
import { code, codeBlock, link, text } from '../generate/markdown/escape.js';
import { table } from '../generate/markdown/table.js';
import { PAGE, relativeLink } from '../generate/paths.js';
import { describeRetention } from '../generate/words/retention-words.js';
import { durationWords } from '../generate/words/time-words.js';
import type { DirectiveNode, PolicyFact } from './directive-spec.js';

// What each directive becomes: Markdown built by the same helpers as the generated pages, so a runbook's
// restore steps are the policy page's. Blocks are raw Markdown (`html` nodes pass through remark-stringify
// verbatim); facts are text or inline code, escaped by remark-stringify itself.

const raw = (value: string): Html => ({ type: 'html', value });

const policyTable = (ctx: DocsContext, site: string, from: string): Html =>
  raw(
    table(
      ['Policy', 'Data class', 'Backs up', 'RPO', 'RTO', 'Offsite'],
      policiesOf(ctx, site).map((p) => [
        link(p.metadata.name, relativeLink(from, PAGE.policy(p.metadata.name))),
        code(p.spec.dataClass),
        p.spec.sources.paths.map(code).join(', '),
        durationWords(p.spec.objectives?.rpo),
        durationWords(p.spec.objectives?.rto),
        p.spec.offsite ? code(p.spec.offsite.remote) : 'none',
      ]),
      `_No backup policy at ${text(site)}._`,
    ),
  );

const restoreSteps = (ctx: DocsContext, policy: BackupPolicy, from: string): Html => {
  const site = siteOf(ctx, policy.spec.site);
  const facts = policyRepository(policy, site);
  const offsite = facts ? offsiteRestoreScript(policy, site, facts) : undefined;
  return raw(
    [
      `**Restore ${text(policy.metadata.name)} with lifeboat** on the runner of ${text(policy.spec.site)} (details on the ${link('policy page', relativeLink(from, PAGE.policy(policy.metadata.name)))}):`,
      codeBlock(lifeboatRestoreScript(policy), 'sh'),
      ...(facts
        ? [
            '**By hand with restic**, when the runner is down:',
            codeBlock(manualRestoreScript(policy, facts), 'sh'),
          ]
        : []),
      ...(offsite ? ['**From the offsite copy**, when the NAS is lost:', codeBlock(offsite, 'sh')] : []),
    ].join('\n\n'),
  );
};

const imageFlashSteps = (ctx: DocsContext, name: string, from: string): Html => {
  const image = ctx.images.find((i) => i.metadata.name === name);
  if (!image) return raw('');
  const intro = `**${text(image.metadata.title ?? name)}**, version ${code(image.spec.version)} (${code(image.spec.promotion)}); details on the ${link('image page', relativeLink(from, PAGE.image(name)))}.`;
  return raw(
    image.spec.sdCard
      ? [intro, codeBlock(sdCardScript(image, ctx.inventory), 'bash')].join('\n\n')
      : [
          intro,
          codeBlock(restoreScript(image, ctx.inventory), 'bash'),
          '**Verify:**',
          codeBlock(verifyScript(image), 'bash'),
        ].join('\n\n'),
  );
};

const policyFact = (ctx: DocsContext, policy: BackupPolicy, field: PolicyFact): Text | InlineCode => {
  const spec = policy.spec;
  const t = (value: string): Text => ({ type: 'text', value });
  const c = (value: string): InlineCode => ({ type: 'inlineCode', value });
  switch (field) {
    case 'rpo':
      return t(durationWords(spec.objectives?.rpo));
    case 'rto':
      return t(durationWords(spec.objectives?.rto));
    case 'site':
      return t(spec.site);
    case 'data-class':
      return c(spec.dataClass);
    case 'host':
      return c(spec.host ?? '(runner hostname)');
    case 'sources':
      return c(spec.sources.paths.join(' '));
    case 'repository': {
      const facts = policyRepository(policy, siteOf(ctx, spec.site));
      return c(facts?.repository ?? `${spec.repository.target}/${spec.repository.path}`);
    }
    case 'retention':
      return t(describeRetention(spec.retention));
    case 'approval':
      return t(spec.restore?.approval ?? 'no restore section');
    case 'alternate-target':
      return c(spec.restore?.alternateTarget ?? '(none)');
    case 'offsite-remote':
      return t(spec.offsite?.remote ?? 'none');
  }
};

/** The replacement for a directive that passed `checkDirective`, or undefined to leave it (admonitions). */
export const renderDirective = (
  node: DirectiveNode,
  ctx: DocsContext,
  from: string,
): Html | Text | InlineCode | undefined => {
  const a = node.attributes ?? {};
  const policy = (name: string | null | undefined) => ctx.policies.find((p) => p.metadata.name === name);
  switch (node.name) {
    case 'policy-table':
      return policyTable(ctx, a.site ?? '', from);
    case 'restore-steps': {
      const p = policy(a.policy);
      return p ? restoreSteps(ctx, p, from) : undefined;
    }
    case 'image-flash-steps':
      return imageFlashSteps(ctx, a.image ?? '', from);
    case 'policy-fact': {
      const p = policy(a.policy);
      return p ? policyFact(ctx, p, a.field as PolicyFact) : undefined;
    }
    default:
      return undefined;
  }
};
