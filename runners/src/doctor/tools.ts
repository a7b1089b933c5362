import { quote } from '@lifeboat/core';
import { exec } from '../exec/exec.js';
import type { FilesystemType } from '../tools/disk/filesystem.js';
import { parseFsckVersion } from '../tools/disk/fsck.js';
import { PARTCLONE_BINARIES } from '../tools/partclone/args.js';
import { checksumModes, detectPartcloneVersion } from '../tools/partclone/version.js';
import { atLeast, detectRcloneVersion } from '../tools/rclone/version.js';
import { CODES as RESTIC_CODES } from '../tools/restic/outcome.js';
import { detectRestic, type ResticFeatures } from '../tools/restic/version.js';
import { type Finding, finding } from './findings.js';

// Which tools this runner has, in which versions, and what that version can do beyond Debian's: a tool a
// site needs and lacks fails; one it does not need is only mentioned.

/** Why a tool is needed at the site, or undefined when it is not; `unknown` without a site. */
export type Need = string | undefined;

export interface ToolNeeds {
  restic: Need;
  rclone: Need;
  /** Filesystems of the site's images, each with why. */
  partclone: ReadonlyMap<FilesystemType, string>;
  /** checksum modes (-aN) and pinned versions the site's images ask for. */
  images: ReadonlyArray<{
    name: string;
    partclone: string;
    checksumMode: number;
    filesystems: FilesystemType[];
  }>;
  zstd: Need;
  sfdisk: Need;
  sgdisk: Need;
  e2fsck: Need;
  fsckFat: Need;
  /** No site given: every tool is expected, a missing one is a warning. */
  anySite: boolean;
}

const RESTIC_FEATURES: ReadonlyArray<[keyof ResticFeatures, string]> = [
  ['retryLock', '--retry-lock (0.16)'],
  ['exitCodes', 'exit codes 10/11 for missing repository and lock (0.17)'],
  ['wrongPasswordExitCode', 'exit code 12 for a wrong password (0.17.1)'],
  ['restoreJson', 'restore --json progress (0.17)'],
  ['restoreDryRun', 'restore --dry-run (0.17)'],
  ['interruptExitCode', 'exit code 130 on interrupt (0.19)'],
  ['missingSourceExitCode', 'exit code 3 for a missing backup source (0.19)'],
];

const INSTALL =
  'install it on the runner (Debian: apt-get install restic rclone partclone zstd fdisk gdisk e2fsprogs dosfstools)';

/** A missing tool: fail where needed, warn without a site, ok (noted) where not needed. */
const missing = (subject: string, need: Need, anySite: boolean, what: string): Finding =>
  need !== undefined
    ? finding('tool', subject, 'fail', `${what}; needed: ${need}`, { fix: INSTALL })
    : anySite
      ? finding(
          'tool',
          subject,
          'warn',
          `${what}; sites with ${subject === 'restic' ? 'policies' : 'images or offsite copies'} need it`,
          {
            fix: INSTALL,
          },
        )
      : finding('tool', subject, 'ok', `${what}; not needed at this site`);

const checkRestic = async (needs: ToolNeeds, binary: string): Promise<Finding> => {
  const detected = await detectRestic(binary);
  if (!detected.ok) {
    const fix = RESTIC_CODES[detected.error.code]?.fix;
    return detected.error.code === 'restic.not-installed'
      ? missing('restic', needs.restic, needs.anySite, 'restic is not installed')
      : finding(
          'tool',
          'restic',
          needs.restic === undefined && !needs.anySite ? 'warn' : 'fail',
          detected.error.message,
          { fix },
        );
  }
  const { version, features } = detected.info;
  const have = RESTIC_FEATURES.filter(([k]) => features[k]).map(([, text]) => text);
  const lack = RESTIC_FEATURES.filter(([k]) => !features[k]).map(([, text]) => text);
  const message = `restic ${version.version}${have.length > 0 ? `; newer features used: ${have.join(', ')}` : ''}${
    lack.length > 0 ? `; not in this version (handled without them): ${lack.join(', ')}` : ''
  }`;
  return finding('tool', 'restic', 'ok', message, {
    details: { version: version.version, features: have, missingFeatures: lack },
  });
};

const checkRclone = async (needs: ToolNeeds, binary: string): Promise<Finding> => {
  const version = await detectRcloneVersion(binary);
  if (!version)
    return missing('rclone', needs.rclone, needs.anySite, 'rclone is not installed (or prints no version)');
  const usage2 = atLeast(version, 1, 69);
  return finding(
    'tool',
    'rclone',
    'ok',
    `rclone ${version.text}; usage errors exit ${usage2 ? '2 (1.69+)' : '1 (before 1.69)'}`,
    { details: { version: version.text } },
  );
};

const checkPartclone = async (needs: ToolNeeds): Promise<Finding[]> => {
  const filesystems: FilesystemType[] = needs.anySite ? ['ext4', 'vfat'] : [...needs.partclone.keys()];
  const binaries = [...new Set(filesystems.map((fs) => PARTCLONE_BINARIES[fs]))].sort();
  if (binaries.length === 0)
    return [finding('tool', 'partclone', 'ok', 'not needed: the site has no images')];
  const out: Finding[] = [];
  for (const binary of binaries) {
    const version = await detectPartcloneVersion(binary);
    const why = [...needs.partclone.entries()]
      .filter(([fs]) => PARTCLONE_BINARIES[fs] === binary)
      .map(([, w]) => w);
    if (!version) {
      out.push(
        missing(
          binary,
          why.length > 0 ? why.join('; ') : undefined,
          needs.anySite,
          `${binary} is not installed`,
        ),
      );
      continue;
    }
    const modes = checksumModes(version);
    const problems: string[] = [];
    let status: Finding['status'] = 'ok';
    for (const image of needs.images) {
      if (!image.filesystems.some((fs) => PARTCLONE_BINARIES[fs] === binary)) continue;
      if (!modes.modes.includes(image.checksumMode)) {
        status = 'fail';
        problems.push(
          `image ${quote(image.name)} asks for checksum mode -a${image.checksumMode}, which ${version.text} cannot write or read`,
        );
      } else if (image.partclone !== version.text) {
        if (status === 'ok') status = 'warn';
        problems.push(`image ${quote(image.name)} pins partclone ${image.partclone}`);
      }
    }
    out.push(
      finding(
        'tool',
        binary,
        status,
        `partclone ${version.text}; checksum modes ${modes.modes.map((m) => `-a${m}`).join(', ')}${modes.verified ? '' : " (assumed: version not in lifeboat's table)"}${
          problems.length > 0 ? `; ${problems.join('; ')}` : ''
        }`,
        {
          fix: 'install the pinned partclone version on the runner, or change the image to a checksum mode this version knows (then capture a new version)',
          details: { version: version.text, checksumModes: modes.modes.map(String) },
        },
      ),
    );
  }
  return out;
};

interface Probe {
  subject: string;
  need: Need;
  file: string;
  args: string[];
  version: (out: string) => string | undefined;
}

const PROBES = (needs: ToolNeeds): Probe[] => [
  {
    subject: 'zstd',
    need: needs.zstd,
    file: 'zstd',
    args: ['--version'],
    version: (o) => /v(\d+\.\d+\.\d+)/.exec(o)?.[1],
  },
  {
    subject: 'sfdisk',
    need: needs.sfdisk,
    file: 'sfdisk',
    args: ['--version'],
    version: (o) => /(\d+\.\d+(?:\.\d+)?)/.exec(o)?.[1],
  },
  {
    subject: 'sgdisk',
    need: needs.sgdisk,
    file: 'sgdisk',
    args: ['--version'],
    version: (o) => /version (\d+\.\d+(?:\.\d+)?)/.exec(o)?.[1],
  },
  { subject: 'e2fsck', need: needs.e2fsck, file: 'e2fsck', args: ['-V'], version: parseFsckVersion },
  // fsck.fat has no version flag: a read-only check of /dev/null prints its banner, then fails harmlessly.
  {
    subject: 'fsck.fat',
    need: needs.fsckFat,
    file: 'fsck.fat',
    args: ['-n', '/dev/null'],
    version: parseFsckVersion,
  },
];

const checkProbe = async (p: Probe, anySite: boolean): Promise<Finding> => {
  const r = await exec(p.file, p.args, { timeoutMs: 15_000 });
  if (r.spawnFailed) return missing(p.subject, p.need, anySite, `${p.subject} is not installed`);
  const version = p.version(`${r.stdout}\n${r.stderr}`);
  return finding('tool', p.subject, 'ok', `${p.subject} ${version ?? '(version not printed)'}`, {
    ...(version === undefined ? {} : { details: { version } }),
  });
};

export const checkTools = async (
  needs: ToolNeeds,
  binaries: { restic?: string; rclone?: string } = {},
): Promise<Finding[]> => [
  await checkRestic(needs, binaries.restic ?? 'restic'),
  await checkRclone(needs, binaries.rclone ?? 'rclone'),
  ...(await checkPartclone(needs)),
  ...(await Promise.all(PROBES(needs).map((p) => checkProbe(p, needs.anySite)))),
];
