import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { imageChecksum } from './image-checksum.js';

const I = 'images/ws-golden.yaml';

describe('image-checksum', () => {
  it('accepts modes 0 and 1 on partclone 0.3.23, and chkimg on a mode-1 image', () => {
    expect(runRule(imageChecksum, inventoryFiles())).toEqual([]);
    const crc = image((i) => {
      i.spec.capture.checksumMode = 1;
      i.spec.verification.chkimg = true;
    });
    expect(runRule(imageChecksum, inventoryFiles(site(), crc))).toEqual([]);
  });

  it('image.checksum-mode: mode 3 cannot be restored by partclone 0.3.23', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.capture.checksumMode = 3;
      }),
    );
    expect(runRule(imageChecksum, files)).toEqual([
      {
        code: 'image.checksum-mode',
        severity: 'error',
        ...at(files, I, 'checksumMode: 3', '3'),
        path: 'spec.capture.checksumMode',
        message:
          'partclone 0.3.23 supports checksum modes 0 and 1 only: an image made with -a3 cannot be restored with it',
      },
    ]);
  });

  it('image.checksum-mode (warning): a partclone version lifeboat has no facts about', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.capture.partclone = '0.3.27';
      }),
    );
    expect(runRule(imageChecksum, files)).toEqual([
      {
        code: 'image.checksum-mode',
        severity: 'warning',
        ...at(files, I, 'partclone: 0.3.27', '0.3'),
        path: 'spec.capture.partclone',
        message:
          'partclone "0.3.27" is not a version lifeboat knows (0.3.23): checksum mode 0 cannot be checked',
      },
    ]);
  });

  it('image.checksum-mode: chkimg on an image captured without checksums', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.verification.chkimg = true;
      }),
    );
    expect(runRule(imageChecksum, files)).toEqual([
      {
        code: 'image.checksum-mode',
        severity: 'error',
        ...at(files, I, 'chkimg: true', 'true'),
        path: 'spec.verification.chkimg',
        message:
          'partclone.chkimg needs an image with checksums, but checksumMode is 0 (none): verify by hash and re-capture instead, or capture with -a1',
      },
    ]);
  });
});
