import { Type } from '@sinclair/typebox';

// The organisation's data classes and what each demands; rules read this table, nothing else hard-codes it.

export const DATA_CLASSES = {
  'office-share': { critical: true, minRetention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } },
  database: { critical: true, minRetention: { keepDaily: 14, keepWeekly: 4, keepMonthly: 12 } },
  'pos-config': { critical: true, minRetention: { keepDaily: 14, keepMonthly: 6 } },
  'firmware-config': {
    critical: true,
    minRetention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 3 },
  },
  hypervisor: { critical: true, minRetention: { keepDaily: 7, keepWeekly: 4 } },
  'image-offsite': { critical: true, minRetention: { keepLast: 3 } },
  workstation: { critical: false, minRetention: { keepDaily: 7 } },
  scratch: { critical: false, minRetention: { keepLast: 1 } },
} as const satisfies Record<string, { critical: boolean; minRetention: Record<string, number> }>;

export type DataClassName = keyof typeof DATA_CLASSES;

export const DataClass = Type.Union(
  (Object.keys(DATA_CLASSES) as DataClassName[]).map((k) => Type.Literal(k)),
  { description: 'Data class: decides minimum retention and whether 3-2-1 is required.' },
);
