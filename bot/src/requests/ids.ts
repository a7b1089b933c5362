import { randomBytes } from 'node:crypto';

// Request ids appear in file names, Slack button values and GitHub run names: short, random, one safe alphabet.

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const REQUEST_ID = /^rq_[a-z2-7]{16}$/;

/** `rq_` + 16 base32 characters (80 random bits). */
export const newRequestId = (): string => {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `rq_${out}`;
};

export const isRequestId = (id: unknown): id is string => typeof id === 'string' && REQUEST_ID.test(id);
