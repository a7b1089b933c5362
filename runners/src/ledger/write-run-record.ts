import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkRunRecord, quote, type RunRecord } from '@lifeboat/core';
import { type AtomicWriteIo, writeFileAtomic } from './atomic-write.js';
import { recordPath } from './layout.js';
import { ensureIndex, indexRecord } from './ledger-index.js';

// Every job ends here: a record that is checked before it is written and whole once it is on disk.

/** A record the ledger will not take; `code` is `ledger.invalid` or `ledger.duplicate-id`. */
export class LedgerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export interface WrittenRecord {
  /** Absolute or stateDir-relative path of the record file. */
  file: string;
  /** False when the record is safe but the index could not be updated (it repairs itself on the next read). */
  indexed: boolean;
}

export interface WriteRunRecordOptions {
  /** Replaces the write step (tests simulate a failure part-way). */
  io?: AtomicWriteIo;
}

/**
 * Check `record` against the RunRecord schema and write it to
 * `<stateDir>/runs/<site>/<yyyy>/<mm>/<id>.json` atomically, then index it.
 * Refuses an invalid record and an id already taken (records are never rewritten).
 */
export const writeRunRecord = async (
  stateDir: string,
  record: RunRecord,
  options: WriteRunRecordOptions = {},
): Promise<WrittenRecord> => {
  const checked = checkRunRecord(record);
  if (!checked.ok) {
    throw new LedgerError('ledger.invalid', `run record refused: ${checked.errors.join('; ')}`);
  }
  const file = recordPath(stateDir, record);
  await mkdir(path.dirname(file), { recursive: true });
  // Not fatal: the record matters more than its index, which repairs itself on the next read.
  const indexReady = await ensureIndex(stateDir, record.site).then(
    () => true,
    () => false,
  );
  const exists = await lstat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
  if (exists) throw new LedgerError('ledger.duplicate-id', `run record ${quote(record.id)} already exists`);
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { io: options.io });
  const indexed =
    indexReady &&
    (await indexRecord(stateDir, record).then(
      () => true,
      () => false,
    ));
  return { file, indexed };
};
