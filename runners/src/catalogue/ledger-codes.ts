// Codes of the run-record ledger (the state directory's runs/ tree): problems `lifeboat runs`/`report` show
// for files they skip, and the refusals of writeRunRecord.
import type { CatalogueEntry } from '@lifeboat/core';

export const LEDGER_CODES = {
  'ledger.invalid': {
    title: 'Run record fails its schema',
    cause:
      'A record (being written, or found on disk) does not match the RunRecord schema: written by another lifeboat version, or edited by hand. It is ignored.',
    fix: 'Move the file out of <stateDir>/runs/ if it was edited or copied in; if lifeboat wrote it, report it with the lifeboat version.',
  },
  'ledger.duplicate-id': {
    title: 'Run record id already taken',
    cause: 'A record with the same id exists; records are never rewritten.',
    fix: 'Nothing to repair: the first record stays. If it repeats, check that two runners do not share one state directory (spec.runner.stateDir).',
  },
  'ledger.index-unwritable': {
    title: 'Ledger index cannot be updated',
    cause:
      "The index of a site's records could not be saved (read-only or full state directory); answers still come from the records.",
    fix: "Make <stateDir>/runs/ writable by the runner's user and free space; the next write repairs the index.",
  },
  'ledger.unreadable': {
    title: 'Ledger file or folder unreadable',
    cause:
      'A folder or record under <stateDir>/runs/ could not be read (permissions or I/O error); it is skipped.',
    fix: "Give the runner's user read access (`chown -R` the state directory to it) and check the disk.",
  },
  'ledger.foreign': {
    title: 'Foreign file in the ledger',
    cause:
      'A file or folder under <stateDir>/runs/ is not a site folder or a run record (a backup copy, an editor file); it is ignored.',
    fix: 'Move it out of the runs/ tree.',
  },
  'ledger.too-large': {
    title: 'Run record too large',
    cause:
      'A file in the ledger is over the 1 MiB limit for one record; lifeboat never writes records that large.',
    fix: 'Move the file out of <stateDir>/runs/ and look at what wrote it.',
  },
  'ledger.corrupt': {
    title: 'Run record is not JSON',
    cause:
      'A record file is not valid JSON: torn by a crash of an older writer, or not a record at all. It is ignored.',
    fix: 'Move the file out of <stateDir>/runs/; the run it described can be repeated.',
  },
  'ledger.misplaced': {
    title: 'Run record in the wrong place',
    cause:
      "A valid record lies in another site's or month's folder, or under another name than <id>.json; it is ignored.",
    fix: 'Move it to the path the message names (runs/<site>/<yyyy>/<mm>/<id>.json).',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type LedgerCode = keyof typeof LEDGER_CODES;
