export { type AtomicWriteIo, type AtomicWriteOptions, writeFileAtomic } from './atomic-write.js';
export {
  compareRecords,
  type RunJobKind,
  type RunOutcome,
  type RunSubject,
  recordPath,
} from './layout.js';
export * from './ledger-index.js';
export * from './read-run-records.js';
export * from './run-id.js';
export * from './state-dir.js';
export * from './write-run-record.js';
