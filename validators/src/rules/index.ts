import type { Rule } from './rule.js';

export * from './rule.js';

/** Every semantic rule, in the order their problems are reported. Add new rules here. */
export const RULES: readonly Rule[] = [];
