// Test-only: what the image e2e tests check again and again — a record the ledger would take, and the
// partitions of a disk (file or device) re-captured and fsck'd independently of the job under test.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord, type RunRecord } from '@lifeboat/core';
import { checkFilesystem } from '../../../tools/disk/fsck.js';
import { recaptureHash } from '../../../tools/partclone/partclone.js';
import type { ImageManifest } from '../manifest.js';
import { copyRangeSparse } from '../ranges.js';

export const validRecord = (record: RunRecord): RunRecord => {
  const checked = checkRunRecord(record);
  if (!checked.ok) throw new Error(`invalid run record: ${checked.errors.join('; ')}`);
  return record;
};

/** A valid record whose outcome is ok; anything else throws with the record's error. */
export const okRecord = (record: RunRecord): RunRecord => {
  validRecord(record);
  if (record.outcome !== 'ok')
    throw new Error(`${record.job} ${record.outcome}: ${JSON.stringify(record.error)}`);
  return record;
};

export interface PartitionEvidence {
  rawSha256: string;
  fsckClean: boolean;
}

/** Each manifest partition's range of `disk`, copied out, re-captured with partclone and fsck'd. */
export const examineDisk = async (
  disk: string,
  manifest: ImageManifest,
  workDir: string,
): Promise<PartitionEvidence[]> => {
  const out: PartitionEvidence[] = [];
  for (const p of manifest.partitions) {
    const part = join(workDir, `.examine-p${p.number}.img`);
    try {
      await copyRangeSparse(disk, part, {
        sourceOffset: p.startBytes,
        length: p.sizeBytes,
        create: true,
        skipZeros: true,
      });
      const again = await recaptureHash({
        fs: p.filesystem,
        source: part,
        checksumMode: p.partclone.checksumMode,
      });
      if (again.outcome !== 'ok')
        throw new Error(`re-capture of partition ${p.number}: ${JSON.stringify(again.error)}`);
      const fsck = await checkFilesystem(p.filesystem, part);
      out.push({ rawSha256: again.value.rawSha256, fsckClean: fsck.outcome === 'ok' });
    } finally {
      await rm(part, { force: true });
    }
  }
  return out;
};

/** What examineDisk must find on a faithful restore of `manifest`. */
export const expectedEvidence = (manifest: ImageManifest): PartitionEvidence[] =>
  manifest.partitions.map((p) => ({ rawSha256: p.rawSha256, fsckClean: true }));
