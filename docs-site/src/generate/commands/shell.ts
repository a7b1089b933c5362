// Values from YAML inside shell commands on pages: single-quoted so a copied command runs as shown.

/** A POSIX shell word: bare when plainly safe, else single-quoted. */
export const shellWord = (value: string): string =>
  /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

export const shellLine = (argv: readonly string[]): string => argv.map(shellWord).join(' ');
