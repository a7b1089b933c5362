// Writes a restic lock into a repository on a REST server the way restic does (encrypted JSON in locks/,
// named by its SHA-256), so tests can hold an exclusive lock "from another host" or a stale one at will.
// Format: restic design doc — scrypt user key → master key; AES-256-CTR + Poly1305-AES (IV ‖ ciphertext ‖ MAC).

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt as scryptCallback,
} from 'node:crypto';

interface Key {
  encrypt: Buffer;
  /** Poly1305-AES: AES-128 key for the nonce, and r. */
  k: Buffer;
  r: Buffer;
}

const P = (1n << 130n) - 5n;
const CLAMP = 0x0ffffffc0ffffffc0ffffffc0fffffffn;

const littleEndian = (b: Uint8Array): bigint => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] ?? 0);
  return n;
};

const toLittleEndian16 = (value: bigint): Buffer => {
  const out = Buffer.alloc(16);
  let n = value;
  for (let i = 0; i < 16; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
};

/** Poly1305 (RFC 8439 §2.5) — Node has it only inside chacha20-poly1305, restic pairs it with AES. */
export const poly1305 = (message: Uint8Array, r: Uint8Array, s: Uint8Array): Buffer => {
  const rr = littleEndian(r) & CLAMP;
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const block = message.subarray(i, i + 16);
    acc = ((acc + littleEndian(block) + (1n << BigInt(8 * block.length))) * rr) % P;
  }
  return toLittleEndian16((acc + littleEndian(s)) & ((1n << 128n) - 1n));
};

const aes128Block = (key: Buffer, block: Buffer): Buffer => {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};

const mac = (key: Key, nonce: Buffer, ciphertext: Buffer): Buffer =>
  poly1305(ciphertext, key.r, aes128Block(key.k, nonce));

const ctr = (key: Key, iv: Buffer, data: Buffer, decrypt: boolean): Buffer => {
  const c = decrypt
    ? createDecipheriv('aes-256-ctr', key.encrypt, iv)
    : createCipheriv('aes-256-ctr', key.encrypt, iv);
  return Buffer.concat([c.update(data), c.final()]);
};

/** IV ‖ AES-256-CTR(plaintext) ‖ Poly1305-AES MAC. */
export const seal = (key: Key, plaintext: Buffer): Buffer => {
  const iv = randomBytes(16);
  const ciphertext = ctr(key, iv, plaintext, false);
  return Buffer.concat([iv, ciphertext, mac(key, iv, ciphertext)]);
};

/** Decrypts restic's format; undefined when the MAC does not verify (wrong key or damaged data). */
export const open = (key: Key, data: Buffer): Buffer | undefined => {
  if (data.length < 32) return undefined;
  const iv = data.subarray(0, 16);
  const ciphertext = data.subarray(16, data.length - 16);
  if (!mac(key, iv, ciphertext).equals(data.subarray(data.length - 16))) return undefined;
  return ctr(key, iv, ciphertext, true);
};

const scrypt = (password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCallback(password, salt, 64, { N, r, p, maxmem: 512 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

const REST_V2 = { accept: 'application/vnd.x.restic.rest.v2' };

/** `rest:http://127.0.0.1:PORT/` → `http://127.0.0.1:PORT/` */
const httpBase = (repository: string): string => {
  if (!repository.startsWith('rest:')) throw new Error('only rest: repositories are supported');
  const base = repository.slice('rest:'.length);
  return base.endsWith('/') ? base : `${base}/`;
};

const getJson = async (url: string): Promise<unknown> => {
  const res = await fetch(url, { headers: REST_V2 });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
};

/** The repository's master key, opened with the password through one of its key files. */
export const masterKey = async (repository: string, password: string): Promise<Key> => {
  const base = httpBase(repository);
  const list = (await getJson(`${base}keys/`)) as { name: string }[];
  for (const { name } of list) {
    const file = (await getJson(`${base}keys/${name}`)) as {
      N: number;
      r: number;
      p: number;
      salt: string;
      data: string;
    };
    const derived = await scrypt(password, Buffer.from(file.salt, 'base64'), file.N, file.r, file.p);
    const userKey: Key = {
      encrypt: derived.subarray(0, 32),
      k: derived.subarray(32, 48),
      r: derived.subarray(48, 64),
    };
    const plain = open(userKey, Buffer.from(file.data, 'base64'));
    if (!plain) continue;
    const master = JSON.parse(plain.toString('utf8')) as { mac: { k: string; r: string }; encrypt: string };
    return {
      encrypt: Buffer.from(master.encrypt, 'base64'),
      k: Buffer.from(master.mac.k, 'base64'),
      r: Buffer.from(master.mac.r, 'base64'),
    };
  }
  throw new Error('no key file opens with this password');
};

export interface LockSpec {
  exclusive: boolean;
  hostname: string;
  pid: number;
  /** When the lock was (or claims to have been) created; older than 30 min = stale. */
  time: Date;
  username?: string;
}

/** Uploads a lock file; returns its id (the SHA-256 of the file, as restic names them). */
export const writeLock = async (repository: string, password: string, spec: LockSpec): Promise<string> => {
  const key = await masterKey(repository, password);
  const body = JSON.stringify({
    time: spec.time.toISOString(),
    exclusive: spec.exclusive,
    hostname: spec.hostname,
    username: spec.username ?? 'lifeboat-test',
    pid: spec.pid,
  });
  const file = seal(key, Buffer.from(body, 'utf8'));
  const id = createHash('sha256').update(file).digest('hex');
  const res = await fetch(`${httpBase(repository)}locks/${id}`, {
    method: 'POST',
    body: file,
    headers: REST_V2,
  });
  if (!res.ok) throw new Error(`POST locks/${id}: ${res.status}`);
  return id;
};

/** Lock ids currently in the repository. */
export const listLocks = async (repository: string): Promise<string[]> =>
  ((await getJson(`${httpBase(repository)}locks/`)) as { name: string }[]).map((l) => l.name);

export const removeLock = async (repository: string, id: string): Promise<void> => {
  await fetch(`${httpBase(repository)}locks/${id}`, { method: 'DELETE', headers: REST_V2 });
};
