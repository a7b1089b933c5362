import { describe, expect, it } from 'vitest';
import {
  checkArgs,
  checkBwlimit,
  checkRemotePath,
  lsjsonArgs,
  remoteConfigEnv,
  sizeArgs,
  syncArgs,
} from './args.js';

const argv = <T>(b: { ok: true; value: T } | { ok: false }) => (b.ok ? b.value : undefined);
const code = (b: { ok: true } | { ok: false; error: { code: string; message: string } }) =>
  b.ok ? undefined : b.error.code;

describe('rclone remote paths', () => {
  it('accepts named remotes, :local: and absolute paths', () => {
    expect(argv(checkRemotePath('store14-cloud:images/pos'))).toEqual({
      spec: 'store14-cloud:images/pos',
      kind: 'remote',
      remote: 'store14-cloud',
    });
    expect(argv(checkRemotePath(':local:/srv/cloud'))).toEqual({ spec: ':local:/srv/cloud', kind: 'local' });
    expect(argv(checkRemotePath('/srv/images'))).toEqual({ spec: '/srv/images', kind: 'local' });
    expect(argv(checkRemotePath('b2:'))?.remote).toBe('b2');
  });

  it('refuses relative paths, connection strings, flags and traversal', () => {
    for (const bad of [
      '',
      'images/pos',
      '-v',
      '--config=/etc/x:y',
      ':s3,access_key_id=AKIA,secret_access_key=xyz:bucket',
      'remote,pass=secret:path',
      ':local:relative',
      '/srv/../etc',
      'cloud:a/../../b',
      'cloud:path\nwith-newline',
      ' cloud:path',
    ]) {
      expect(code(checkRemotePath(bad)), bad).toBe('rclone.invalid-argument');
    }
  });

  it('quotes the refused value in one line', () => {
    const r = checkRemotePath('evil\u001b[31m');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('"evil\\u001b[31m"');
  });
});

describe('rclone remote settings through the environment', () => {
  it('maps settings to RCLONE_CONFIG_<NAME>_<KEY>, keeping dashes in the name', () => {
    expect(
      argv(
        remoteConfigEnv('store14-cloud', {
          type: 's3',
          'access-key-id': 'AKIA',
          secret_access_key: 's3cr3t',
        }),
      ),
    ).toEqual({
      'RCLONE_CONFIG_STORE14-CLOUD_TYPE': 's3',
      'RCLONE_CONFIG_STORE14-CLOUD_ACCESS_KEY_ID': 'AKIA',
      'RCLONE_CONFIG_STORE14-CLOUD_SECRET_ACCESS_KEY': 's3cr3t',
    });
  });

  it('needs a type and sane names', () => {
    expect(code(remoteConfigEnv('cloud', { url: 'x' }))).toBe('rclone.invalid-argument');
    expect(code(remoteConfigEnv('-cloud', { type: 'local' }))).toBe('rclone.invalid-argument');
    expect(code(remoteConfigEnv('cloud', { type: 'local', 'bad key': 'x' }))).toBe('rclone.invalid-argument');
  });
});

describe('rclone argv', () => {
  it('sync: JSON log, stats every second at NOTICE, no config file, bwlimit', () => {
    expect(argv(syncArgs('/srv/images', 'cloud:images', { bwlimit: '10M', retries: 2 }))).toEqual([
      'sync',
      '/srv/images',
      'cloud:images',
      '--config',
      '',
      '--use-json-log',
      '--retries',
      '2',
      '--stats',
      '1s',
      '--stats-log-level',
      'NOTICE',
      '--bwlimit',
      '10M',
    ]);
  });

  it('never puts a secret on the command line: remotes are referenced by name only', () => {
    const env = argv(remoteConfigEnv('cloud', { type: 'webdav', pass: 'obscured-secret' }));
    const line = argv(syncArgs('/srv/a', 'cloud:b'));
    expect(env).toBeDefined();
    expect(line?.join(' ')).not.toContain('obscured-secret');
  });

  it('check (optionally one-way), lsjson and size --json', () => {
    expect(argv(checkArgs('/a', ':local:/b', { oneWay: true }))).toEqual([
      'check',
      '/a',
      ':local:/b',
      '--config',
      '',
      '--use-json-log',
      '--one-way',
    ]);
    expect(argv(checkArgs('/a', '/b'))).not.toContain('--one-way');
    expect(argv(lsjsonArgs('cloud:x', { recursive: true, filesOnly: true }))).toEqual([
      'lsjson',
      'cloud:x',
      '--config',
      '',
      '--use-json-log',
      '--recursive',
      '--files-only',
    ]);
    expect(argv(sizeArgs('/a', { configFile: '/etc/lifeboat/rclone.conf' }))).toEqual([
      'size',
      '--json',
      '/a',
      '--config',
      '/etc/lifeboat/rclone.conf',
      '--use-json-log',
    ]);
  });

  it('refuses bad limits, retries and paths', () => {
    expect(code(syncArgs('/a', '/b', { bwlimit: '10 MB/s' }))).toBe('rclone.invalid-argument');
    expect(code(syncArgs('/a', '/b', { retries: 0 }))).toBe('rclone.invalid-argument');
    expect(code(syncArgs('relative', '/b'))).toBe('rclone.invalid-argument');
    expect(argv(checkBwlimit('off'))).toBe('off');
    expect(argv(checkBwlimit('1.5M'))).toBe('1.5M');
  });
});
