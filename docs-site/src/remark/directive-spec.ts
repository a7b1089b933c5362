import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';

// The directives runbooks may use, their attributes, and the one check both the lint and the expander run,
// so `lifeboat validate` and `lifeboat docs` always agree on what is wrong.

export type DirectiveNode = ContainerDirective | LeafDirective | TextDirective;
export type DirectiveKind = DirectiveNode['type'];

export const POLICY_FACTS = [
  'rpo',
  'rto',
  'site',
  'data-class',
  'host',
  'sources',
  'repository',
  'retention',
  'approval',
  'alternate-target',
  'offsite-remote',
] as const;
export type PolicyFact = (typeof POLICY_FACTS)[number];

interface DirectiveSpec {
  kind: DirectiveKind;
  /** The attribute naming the subject, and which inventory list it must be in. */
  subject?: { attribute: 'site' | 'policy' | 'image'; list: 'sites' | 'policies' | 'images' };
  syntax: string;
}

export const DIRECTIVES = {
  'policy-table': {
    kind: 'leafDirective',
    subject: { attribute: 'site', list: 'sites' },
    syntax: '::policy-table{site="<site>"}',
  },
  'restore-steps': {
    kind: 'leafDirective',
    subject: { attribute: 'policy', list: 'policies' },
    syntax: '::restore-steps{policy="<policy>"}',
  },
  'image-flash-steps': {
    kind: 'leafDirective',
    subject: { attribute: 'image', list: 'images' },
    syntax: '::image-flash-steps{image="<image>"}',
  },
  'policy-fact': {
    kind: 'textDirective',
    subject: { attribute: 'policy', list: 'policies' },
    syntax: `:policy-fact{policy="<policy>" field="${POLICY_FACTS.join('|')}"}`,
  },
} as const satisfies Record<string, DirectiveSpec>;
export type DirectiveName = keyof typeof DIRECTIVES;

/** Docusaurus admonitions are container directives too: left alone. */
export const ADMONITIONS: readonly string[] = ['note', 'tip', 'info', 'warning', 'danger', 'caution'];

export interface InventoryNames {
  sites: ReadonlySet<string>;
  policies: ReadonlySet<string>;
  images: ReadonlySet<string>;
}

export type DirectiveIssueCode =
  | 'runbook.unknown-directive'
  | 'runbook.directive-attribute'
  | 'runbook.unknown-site'
  | 'runbook.unknown-policy'
  | 'runbook.unknown-image';

export interface DirectiveIssue {
  code: DirectiveIssueCode;
  message: string;
}

const MARKS: Record<DirectiveKind, string> = {
  textDirective: ':',
  leafDirective: '::',
  containerDirective: ':::',
};
const UNKNOWN = {
  sites: 'runbook.unknown-site',
  policies: 'runbook.unknown-policy',
  images: 'runbook.unknown-image',
} as const;
const WHAT = { sites: 'site', policies: 'policy', images: 'image' } as const;

const isKnown = (name: string): name is DirectiveName => Object.hasOwn(DIRECTIVES, name);

/** What is wrong with one directive, or undefined when it can be expanded (admonitions always can). */
export const checkDirective = (node: DirectiveNode, names: InventoryNames): DirectiveIssue | undefined => {
  const written = `${MARKS[node.type]}${node.name}`;
  if (node.type === 'containerDirective' && ADMONITIONS.includes(node.name)) return undefined;
  if (!isKnown(node.name)) {
    return {
      code: 'runbook.unknown-directive',
      message: `unknown directive ${JSON.stringify(written)}: expected one of ${Object.values(DIRECTIVES)
        .map((d) => d.syntax.split('{')[0])
        .join(', ')} (write \\: for a literal colon)`,
    };
  }
  const spec: DirectiveSpec = DIRECTIVES[node.name];
  if (spec.kind !== node.type)
    return {
      code: 'runbook.directive-attribute',
      message: `${written} is written wrongly: use ${spec.syntax}`,
    };
  const attributes = node.attributes ?? {};
  if (spec.subject) {
    const value = attributes[spec.subject.attribute];
    if (value === undefined || value === null || value === '')
      return {
        code: 'runbook.directive-attribute',
        message: `${written} needs ${spec.subject.attribute}="…": ${spec.syntax}`,
      };
    if (!names[spec.subject.list].has(value))
      return {
        code: UNKNOWN[spec.subject.list],
        message: `${written} names ${WHAT[spec.subject.list]} ${JSON.stringify(value)}, which is not in the inventory`,
      };
  }
  if (node.name === 'policy-fact') {
    const field = attributes.field;
    if (field === undefined || field === null || !(POLICY_FACTS as readonly string[]).includes(field))
      return {
        code: 'runbook.directive-attribute',
        message: `:policy-fact needs field="…", one of ${POLICY_FACTS.join(', ')}${field ? `; got ${JSON.stringify(field)}` : ''}`,
      };
  }
  return undefined;
};

export const isDirective = (node: { type: string }): node is DirectiveNode =>
  node.type === 'textDirective' || node.type === 'leafDirective' || node.type === 'containerDirective';
