import { PARTCLONE_CHECKSUM_MODES, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';

// partclone images carry their checksum mode; a runner whose partclone does not know it cannot restore the image.

export const imageChecksum: Rule = {
  id: 'image-checksum',
  description:
    'The checksum mode is one the pinned partclone supports, and chkimg is only asked of images with checksums.',
  codes: {
    'image.checksum-mode': {
      title: 'Checksum mode not supported',
      cause:
        "capture.checksumMode is not a mode the pinned capture.partclone version knows (0.3.23 knows 0 and 1; -a3 images fail to restore on it), the pinned version is not in lifeboat's table (warning), or verification.chkimg is requested for an image without checksums (mode 0), which partclone.chkimg cannot verify.",
      fix: 'Pick a mode the version supports (0 with verification.hash is the usual choice), pin a known version, or turn chkimg off and rely on the SHA-256 and re-capture hash.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.images) {
      const { capture, verification } = value.spec;
      const modes = PARTCLONE_CHECKSUM_MODES.get(capture.partclone);
      if (!modes) {
        problems.push(
          problemIn(
            document,
            ['spec', 'capture', 'partclone'],
            'image.checksum-mode',
            `partclone ${quote(capture.partclone)} is not a version lifeboat knows (${[...PARTCLONE_CHECKSUM_MODES.keys()].join(', ')}): checksum mode ${capture.checksumMode} cannot be checked`,
            { severity: 'warning' },
          ),
        );
      } else if (!modes.includes(capture.checksumMode)) {
        problems.push(
          problemIn(
            document,
            ['spec', 'capture', 'checksumMode'],
            'image.checksum-mode',
            `partclone ${capture.partclone} supports checksum modes ${modes.join(' and ')} only: an image made with -a${capture.checksumMode} cannot be restored with it`,
          ),
        );
      }
      if (verification.chkimg === true && capture.checksumMode === 0) {
        problems.push(
          problemIn(
            document,
            ['spec', 'verification', 'chkimg'],
            'image.checksum-mode',
            'partclone.chkimg needs an image with checksums, but checksumMode is 0 (none): verify by hash and re-capture instead, or capture with -a1',
          ),
        );
      }
    }
    return problems;
  },
};
