import type { SnapshotPreviewView } from './render-markdown.js';
import type { PlanResult } from './types.js';

// The plan for machines: a versioned envelope so consumers can refuse a shape they do not know.

export const PLAN_JSON_VERSION = 1;

// JSON.stringify leaves these raw; they can only occur inside strings, so \uXXXX is equivalent and visible.
const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

export interface PlanJsonOptions {
  /** The retention preview from a site runner (`plan --snapshots`), as `snapshots` after the plan's fields. */
  snapshots?: SnapshotPreviewView;
}

/** Stable JSON: fixed key order (the PlanResult's), two-space indent, invisible characters escaped, trailing newline. */
export const renderPlanJson = (plan: PlanResult, options: PlanJsonOptions = {}): string =>
  `${JSON.stringify(
    { version: PLAN_JSON_VERSION, ...plan, ...(options.snapshots ? { snapshots: options.snapshots } : {}) },
    null,
    2,
  ).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
