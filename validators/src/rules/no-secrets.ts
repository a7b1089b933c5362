import { type LoadedDocument, type PathSegment, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';

// A secret committed to git is leaked for good (history, forks, CI logs): catch it before the merge.

/** Words that make a key a secret holder: `password`, `apiKey`, `client_secret`, `accessKey`… */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
]);
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'auth key']);
const SECRET_JOINED = new Set(['apikey', 'privatekey', 'accesskey', 'secretkey', 'authkey']);
/** Keys lifeboat defines to name where a secret lives, never the secret itself. */
const NAME_ONLY_KEYS = new Set(['passwordEnv', 'passwordCommand', 'envFrom', 'env']);
/** Last words that make a key name-only by convention: `tokenEnv`, `password_file`, `secretName`. */
const NAME_ONLY_SUFFIXES = new Set(['env', 'file', 'command', 'cmd', 'name', 'ref', 'var']);

const words = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

const secretKeyCache = new Map<string, boolean>();

/** Is `key` the name of a field that would hold a secret's value? Cached: documents repeat their keys. */
export const isSecretKey = (key: string): boolean => {
  let secret = secretKeyCache.get(key);
  if (secret === undefined) {
    secret = !NAME_ONLY_KEYS.has(key) && holdsSecret(words(key));
    if (secretKeyCache.size >= 10_000) secretKeyCache.clear();
    secretKeyCache.set(key, secret);
  }
  return secret;
};

const holdsSecret = (w: string[]): boolean =>
  w.length > 0 &&
  !NAME_ONLY_SUFFIXES.has(w[w.length - 1] as string) &&
  w.some(
    (word, i) => SECRET_WORDS.has(word) || SECRET_JOINED.has(word) || SECRET_PAIRS.has(`${word} ${w[i + 1]}`),
  );

const TOKEN_SHAPES: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/ },
];

/** Cheap test run first: most values contain none of these prefixes. */
const TOKEN_HINT = /xox[abposr]-|gh[pousr]_|github_pat_|A[KS]IA|-----BEGIN/;
/** The shortest value any token shape can match (`xoxb-` and 10 characters). */
const MIN_TOKEN_LENGTH = 15;

/** `user:password@` in a URL (also behind a restic backend prefix such as `rest:`). */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
/** `--password=…`, `PGPASSWORD=…`, `?token=…`: a secret-named assignment inside one string (argv, URLs). */
const ASSIGNMENT = /([A-Za-z][A-Za-z0-9_-]*)=([^\s&;]+)/g;

/** Shannon entropy in bits per character. */
export const entropy = (text: string): number => {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
};

export const ENTROPY_THRESHOLD = 4.0;
export const MIN_ENTROPY_LENGTH = 20;

/**
 * 4 bits per character, relaxed for short strings: n characters can carry at most log2(n) bits
 * each, so a random 20-character key averages about 4.05 and half of them would slip under 4.0.
 */
export const entropyThreshold = (length: number): number =>
  Math.min(ENTROPY_THRESHOLD, 0.85 * Math.log2(length));

/** Characters that cut a value into the pieces a person would write: path, host, list and word separators. */
const SEPARATORS = '/\\._:@,=+~?&#%-';
/** The same as a table by character code (all ASCII): one load per character of every long string. */
const IS_SEPARATOR = new Uint8Array(128);
for (const c of SEPARATORS) IS_SEPARATOR[c.charCodeAt(0)] = 1;
const DURATION = /^([0-9]+[wdhm])+$/;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** 1 lower-case, 2 upper-case, 3 digit, 0 anything else, by character code. */
const charClass = (c: number) =>
  c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0;

/**
 * How often the character class (lower, upper, digit) changes, per character, in text[start, end).
 * Words and camelCase change rarely (`officeFileShare`: 0.13); random keys change at almost every
 * other character (about 0.45). Upper → lower is not counted: it is how every Capitalised word starts.
 */
const classChangeRate = (text: string, start: number, end: number): number => {
  let changes = 0;
  let previous = charClass(text.charCodeAt(start));
  for (let i = start + 1; i < end; i++) {
    const current = charClass(text.charCodeAt(i));
    if (previous !== current && !(previous === 2 && current === 1)) changes++;
    previous = current;
  }
  return changes / Math.max(1, end - start - 1);
};

/** HEX (`0x` optional, then hex digits in one case) on text[start, end), read in place. */
const isHex = (text: string, start: number, end: number): boolean => {
  let from = start;
  if (end - start > 2 && text.charCodeAt(start) === 48 && text.charCodeAt(start + 1) === 120) from += 2;
  let lower = true;
  let upper = true;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) continue;
    lower &&= c >= 97 && c <= 102;
    upper &&= c >= 65 && c <= 70;
    if (!lower && !upper) return false;
  }
  return end > from;
};

/**
 * A piece a person would write (text[start, end), letters and digits only): a short token, a word, an
 * UPPER_CASE or camelCase name, a number or a hex id (hex cannot reach the entropy threshold anyway: at
 * most 4 bits per character). Read in place: this runs on the long pieces of every long string.
 */
const isWordy = (text: string, start: number, end: number) =>
  end - start < 8 || isHex(text, start, end) || classChangeRate(text, start, end) < 0.3;

/**
 * `/…`, `~/…`, `./…`, `../…` or `scheme://…` (a letter, then letters, digits, `+`, `.` or `-`), read by
 * character code: what /^(?:\/|~\/|\.\.?\/)/ and /^[a-z][a-z0-9+.-]*:\/\//i accept. Exported for the test
 * that holds it to those regexes.
 */
export const isPathOrUrl = (text: string): boolean => {
  // Reads stay below text.length: an out-of-bounds read costs V8 a deoptimisation.
  const n = text.length;
  const c0 = n > 0 ? text.charCodeAt(0) : 0;
  const c1 = n > 1 ? text.charCodeAt(1) : 0;
  if (c0 === 0x2f) return true;
  if (c0 === 0x7e) return c1 === 0x2f;
  if (c0 === 0x2e) return c1 === 0x2f || (c1 === 0x2e && n > 2 && text.charCodeAt(2) === 0x2f);
  if (!isLetter(c0)) return false;
  let i = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!(isLetter(c) || isDigit(c) || c === 0x2b || c === 0x2e || c === 0x2d)) break;
    i++;
  }
  return (
    i + 2 < n &&
    text.charCodeAt(i) === 0x3a &&
    text.charCodeAt(i + 1) === 0x2f &&
    text.charCodeAt(i + 2) === 0x2f
  );
};

/**
 * Looks like a random credential rather than data: long, no spaces, not a path, URL or duration,
 * not made of word-like pieces (host names, rclone remotes, device ids, camelCase names), and
 * with a high Shannon entropy.
 */
export const isHighEntropy = (text: string): boolean => {
  if (text.length < MIN_ENTROPY_LENGTH) return false;
  if (isPathOrUrl(text) || (isDigit(text.charCodeAt(0)) && DURATION.test(text))) return false;
  // One pass over the characters (this sees every long string of every file): whitespace ends it,
  // separators cut segments, and only a segment of 8 or more alphanumerics needs a closer look.
  let wordy = true;
  let start = 0;
  let alnum = true;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (c === 32 || c === 9 || c === 10 || c === 13) return false;
    if (c === -1 || (c < 128 && IS_SEPARATOR[c] === 1)) {
      if (wordy && (!alnum || !isWordy(text, start, i))) wordy = false;
      start = i + 1;
      alnum = true;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) {
      alnum = false;
    }
  }
  // Other Unicode spaces (rare) are caught here, only for what is left.
  return !wordy && !/\s/.test(text) && entropy(text) >= entropyThreshold(text.length);
};

/** At most 4 characters (fewer for short values, so a short password is not half shown), then …. */
const preview = (text: string) => quote(`${text.slice(0, Math.min(4, Math.floor(text.length / 4)))}…`);

interface Finding {
  code: 'secret.literal' | 'secret.high-entropy';
  message: string;
}

/** What is wrong with one scalar, if anything; `key` is the mapping key it sits under. */
const inspect = (value: string | number, key: string | undefined): Finding | undefined => {
  const text = String(value);
  if (key !== undefined && isSecretKey(key) && text !== '') {
    return {
      code: 'secret.literal',
      message: `${quote(key)} holds a literal secret (${preview(text)}): keep it in an environment variable and name the variable (e.g. passwordEnv)`,
    };
  }
  if (typeof value !== 'string') return undefined;
  // Each check first asks for the one character or length it cannot do without: this runs on every string.
  if (value.length >= MIN_TOKEN_LENGTH && TOKEN_HINT.test(value)) {
    for (const { what, pattern } of TOKEN_SHAPES) {
      const match = pattern.exec(value);
      if (match) {
        return {
          code: 'secret.literal',
          message: `value contains ${what} (${preview(match[0])}): revoke it and keep it out of git`,
        };
      }
    }
  }
  if (value.includes('@') && URL_PASSWORD.test(value)) {
    return {
      code: 'secret.literal',
      message:
        'URL contains a password (user:password@): pass credentials through environment variables instead',
    };
  }
  if (!value.includes('=')) return isHighEntropy(value) ? highEntropy(value) : undefined;
  for (const [, name, secret] of value.matchAll(ASSIGNMENT)) {
    if (name !== undefined && secret !== undefined && !secret.startsWith('$') && isSecretKey(name)) {
      return {
        code: 'secret.literal',
        message: `${quote(name)}= carries a literal secret (${preview(secret)}): pass it through an environment variable instead`,
      };
    }
  }
  return isHighEntropy(value) ? highEntropy(value) : undefined;
};

const highEntropy = (value: string): Finding => ({
  code: 'secret.high-entropy',
  message: `value looks like a secret (${value.length} random-looking characters, ${preview(value)}): keep secrets in environment variables`,
});

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const noSecrets: Rule = {
  id: 'no-secrets',
  description: 'No password, token or key is written into the inventory, in any field of any file.',
  codes: {
    'secret.literal': {
      title: 'Secret written in the YAML',
      cause:
        'A password/secret/token/key field holds a literal value, a URL carries user:password@, or a value has the shape of a known credential (Slack xox…, GitHub ghp_…, AWS AKIA…, a PEM private key). Anything committed stays in git history.',
      fix: 'Remove it, revoke and rotate the credential, and reference it by name: credentials.passwordEnv / passwordCommand / envFrom.',
    },
    'secret.high-entropy': {
      title: 'Value looks like a secret',
      cause:
        'A long value without spaces that is not a path, URL or name has the character spread of a random key or token (Shannon entropy of at least 4 bits per character).',
      fix: 'If it is a credential, move it to an environment variable and rotate it. If it is not, split it into readable parts or describe it elsewhere.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    // Every parsed document, typed or not: a file that fails the schema can still leak a secret.
    for (const document of inventory.documents) scan(document, problems);
    return problems;
  },
};

/**
 * Depth-first over one document with a single path array (pushed and popped, copied only for a
 * finding): this visits every scalar of every file, so it allocates as little as it can. The
 * loader has already bounded the depth, so recursion is safe.
 */
const scan = (document: LoadedDocument, problems: Problem[]) => {
  const path: PathSegment[] = [];
  const visit = (value: unknown, key: string | undefined) => {
    if (typeof value === 'string' || typeof value === 'number') {
      const finding = inspect(value, key);
      if (finding) problems.push(problemIn(document, [...path], finding.code, finding.message));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        // List items inherit their key: `tokens: [...]` holds secrets too.
        visit(value[i], key);
        path.pop();
      }
    } else if (isRecord(value)) {
      for (const k of Object.keys(value)) {
        path.push(k);
        visit(value[k], k);
        path.pop();
      }
    }
  };
  visit(document.value, undefined);
};
