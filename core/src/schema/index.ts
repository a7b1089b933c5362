import type { TObject } from '@sinclair/typebox';
import { ImageSchema } from './image.js';
import { BackupPolicySchema } from './policy.js';
import { RunRecordSchema } from './run-record.js';
import { SiteSchema } from './site.js';

export * from './common.js';
export * from './data-class.js';
export * from './image.js';
export * from './policy.js';
export * from './run-record.js';
export * from './site.js';

/** Every kind, keyed by `kind`; the JSON Schema files in schemas/ are generated from this. */
export const SCHEMAS = {
  Site: SiteSchema,
  BackupPolicy: BackupPolicySchema,
  Image: ImageSchema,
  RunRecord: RunRecordSchema,
} as const satisfies Record<string, TObject>;

export type Kind = keyof typeof SCHEMAS;

/** Which inventory folder holds each hand-written kind. */
export const KIND_DIRS = { Site: 'sites', BackupPolicy: 'policies', Image: 'images' } as const;
export type InventoryKind = keyof typeof KIND_DIRS;
export * from './partclone.js';
