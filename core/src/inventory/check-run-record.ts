import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { quote } from '../problem/index.js';
import { type RunRecord, RunRecordSchema } from '../schema/index.js';

// Run records come from files a runner wrote (or something else did): one check that they are what they say.

export type RunRecordCheck = { ok: true; record: RunRecord } | { ok: false; errors: string[] };

let validator: ValidateFunction | undefined;
/** Compiled on first use: the CLI's validate path never pays for it. */
const validate = (): ValidateFunction => {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(RunRecordSchema);
  return validator;
};

const explain = (e: ErrorObject): string => {
  const at = e.instancePath === '' ? 'record' : e.instancePath.slice(1).replaceAll('/', '.');
  if (e.keyword === 'additionalProperties')
    return `${at}: unknown key ${quote((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === 'required')
    return `${at}: missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'anyOf') {
    const branches = ((e.parentSchema as { anyOf?: Array<{ const?: unknown }> })?.anyOf ?? []).map(
      (b) => b.const,
    );
    if (branches.every((b) => typeof b === 'string'))
      return `${at}: must be one of ${branches.join(', ')}, got ${quote(e.data)}`;
  }
  return `${at}: ${e.message ?? 'is invalid'}`;
};

/**
 * Schema check plus what a schema cannot say: both times are real instants and the run did not end
 * before it started. Errors are one line each, untrusted text quoted.
 */
export const checkRunRecord = (value: unknown): RunRecordCheck => {
  const v = validate();
  if (!v(value)) {
    // A union of literals reports one error per branch plus the anyOf; the anyOf alone says it.
    const errors = v.errors ?? [];
    const anyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
    const kept = errors.filter((e) => !anyOf.some((p) => e.schemaPath.startsWith(p)));
    return { ok: false, errors: [...new Set(kept.map(explain))] };
  }
  const record = value as RunRecord;
  const started = Date.parse(record.startedAt);
  const ended = Date.parse(record.endedAt);
  const errors: string[] = [];
  if (Number.isNaN(started)) errors.push(`startedAt: ${quote(record.startedAt)} is not a valid time`);
  if (Number.isNaN(ended)) errors.push(`endedAt: ${quote(record.endedAt)} is not a valid time`);
  if (errors.length === 0 && ended < started) errors.push('endedAt: is before startedAt');
  return errors.length === 0 ? { ok: true, record } : { ok: false, errors };
};
