import type { Problem } from '@lifeboat/core';

// Problems shaped like real validator output, deliberately out of order, with one hostile file name and message.

export const problem = (overrides: Partial<Problem> = {}): Problem => ({
  code: 'schema.unknown-key',
  severity: 'error',
  message: 'unknown key "tmezone" in spec; did you mean "timezone"?',
  file: 'sites/lisle.yaml',
  line: 7,
  col: 3,
  path: 'spec.tmezone',
  ...overrides,
});

export const SAMPLE: readonly Problem[] = [
  problem({
    file: 'sites/portage.yaml',
    line: 4,
    col: 9,
    code: 'timezone.invalid',
    message: 'unknown time zone "Mars/Olympus"',
  }),
  problem(),
  problem({
    severity: 'warning',
    code: 'inventory.schema-header',
    line: 1,
    col: 1,
    message: 'first line should be "# x"',
  }),
];

/** A file name and message an attacker controls: ANSI escapes, newlines, percent and property separators. */
export const HOSTILE = problem({
  file: 'sites/\u001b[31mred\nfake.yaml',
  code: 'schema.pattern',
  message: 'name "\u001b[2J" is not valid\n::error::forged 100%, really: yes\r\u202eevil',
});
