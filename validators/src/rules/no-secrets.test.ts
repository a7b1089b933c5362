import type { NasTarget } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { type Files, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { isHighEntropy, isPathOrUrl, isSecretKey, noSecrets } from './no-secrets.js';

const S = 'sites/lisle.yaml';
const P = 'policies/office-share.yaml';

/** Values that look nothing like credentials but are long, mixed and punctuated, as real inventories are. */
const REALISTIC = [
  'rest:https://nas1.lisle.example.internal:8000/',
  'sftp:backup@nas-portage.example.internal:/volume1/restic',
  's3:s3.us-east-1.amazonaws.com/lifeboat-grocery-images',
  'b2:lifeboat-grocery:images/store-12',
  'rclone:b2-grocery:lifeboat/images',
  '/dev/disk/by-id/usb-Generic_STORAGE_DEVICE_000000001206-0:0',
  'usb-Generic_STORAGE_DEVICE_000000001206-0:0',
  'wwn-0x5000c500a1b2c3d4',
  '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  'sha256:3f2504e04f8911d39a0c0305e82c33013f2504e04f8911d39a0c0305e82c3301',
  'it-operations@lisle.example.com',
  'pms-db01.hospitality.example.internal',
  'AWS_SECRET_ACCESS_KEY',
  'RCLONE_CONFIG_B2GROCERY_ACCOUNT',
  'lifeboat-grocery-store-12',
  '--output=/var/backups/pms/pms.sql.gz',
  'kvm-hp-t630-sdcard-2024.06.1',
  'PosTerminalConfigurationBackup',
  'vzdump-qemu-101-2024_06_01-02_00_01.vma.zst',
  'ghcr.io/example/lifeboat-runner:2024.06.1',
  'Grocery_Store_12_POS_Config',
  'America/Argentina/Buenos_Aires',
  '20240601T020001Z-lisle-office-share',
  'Win11-23H2-Enterprise-x64',
  'https://hooks.example.com/services/T0000000/B0000000/abc',
  'C:\\Backups\\Office\\Share01',
  'U0LISLEAP1',
  '1d12h',
  '*/15 22-23,0-5 * * mon-fri',
  'Nightly copy of the office share; restores need an approver (see runbook).',
];

const SECRETS = [
  'q8Zr4LmX2vTp9WkB7nYc3HdF',
  'dGhpcyBpcyBhIHNlY3JldCBrZXkgZm9yIHRlc3Rz',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'Tr0ub4dor&3xK9#mQ2vL7pZ',
  'k3j5h6g7f8d9s0a1q2w3e4r5z8',
];

/** Secrets must never be echoed: at most 4 leading characters may appear. */
const expectNoLeak = (message: string | undefined, secret: string) => {
  expect(message).toBeDefined();
  expect(message).not.toContain(secret.slice(0, 5));
};

describe('no-secrets detectors', () => {
  it('recognises secret-holding keys but not the name-only fields', () => {
    for (const key of [
      'password',
      'resticPassword',
      'db_passwd',
      'apiKey',
      'api-key',
      'API_KEY',
      'privateKey',
      'accessKey',
      'secret',
      'clientSecret',
      'token',
      'slackToken',
      'credentials',
      'passphrase',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    }
    for (const key of [
      'passwordEnv',
      'passwordCommand',
      'envFrom',
      'env',
      'tokenEnv',
      'password_file',
      'secretName',
      'keepDaily',
      'description',
      'key',
      'monkey',
      'passthrough',
      'tokenizer',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, false]);
    }
  });

  it('tells paths and URLs apart exactly as the regexes it stands for', () => {
    const regexes = (t: string) => /^(?:\/|~\/|\.\.?\/)/.test(t) || /^[a-z][a-z0-9+.-]*:\/\//i.test(t);
    const alphabet = ['/', '~', '.', ':', 'a', 'Z', '1', '+', '-', '_', ' ', 'ſ'];
    let texts = [''];
    const all = [...REALISTIC, ...SECRETS, 'rest:https://x', 'a1+.-://x', 'é://x', 'K://x'];
    for (let length = 1; length <= 4; length++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      all.push(...texts, ...texts.map((t) => `${t}//x`));
    }
    const wrong = all.filter((t) => isPathOrUrl(t) !== regexes(t));
    expect(wrong).toEqual([]);
    expect(all.filter(isPathOrUrl).length).toBeGreaterThan(1000);
  });

  it('does not call realistic data high-entropy, and does call random keys so', () => {
    for (const value of REALISTIC) expect([value, isHighEntropy(value)]).toEqual([value, false]);
    for (const value of SECRETS) expect([value, isHighEntropy(value)]).toEqual([value, true]);
  });
});

describe('no-secrets', () => {
  it('accepts credentials by name (passwordEnv, passwordCommand, envFrom, hook env) and realistic values', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.nas.push({
          name: 'nas2',
          repository: 's3:s3.us-east-1.amazonaws.com/lifeboat-lisle',
          credentials: {
            passwordCommand: ['/usr/bin/pass', 'show', 'restic/lisle-nas2'],
            envFrom: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
          },
        });
        s.spec.contacts = [
          {
            name: 'Dana Whitfield',
            role: 'IT lead',
            email: 'it-operations@lisle.example.com',
            slack: 'U0LISLEAP1',
          },
        ];
      }),
      policy((p) => {
        p.metadata.labels = Object.fromEntries(
          REALISTIC.slice(0, 12).map((v, i) => [`example.com/value-${i}`, v]),
        );
        p.spec.hooks = {
          pre: {
            command: ['/usr/local/bin/dump-pms-db', '--output=/var/backups/pms/pms.sql.gz'],
            timeout: '30m',
            env: ['PGPASSWORD'],
          },
        };
      }),
    );
    expect(runRule(noSecrets, files)).toEqual([]);
  });

  it('secret.literal: a secret-named key holding a value, even in free-form labels', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.metadata.labels = { token: 'hunter2-but-longer' };
      }),
    );
    const problems = runRule(noSecrets, files);
    expect(problems).toEqual([
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, 'token: hunter2-but-longer', 'hunter2'),
        path: 'metadata.labels.token',
        message:
          '"token" holds a literal secret ("hunt…"): keep it in an environment variable and name the variable (e.g. passwordEnv)',
      },
    ]);
    expectNoLeak(problems[0]?.message, 'hunter2-but-longer');
  });

  it('secret.literal: a password in NAS credentials is found even though the schema rejects the key', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.nas[0] = { ...s.spec.nas[0], credentials: { password: 'S3cretPass' } } as unknown as NasTarget;
      }),
    );
    const problems = runRule(noSecrets, files, { allowLoadErrors: true });
    expect(problems).toEqual([
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, S, 'password: S3cretPass', 'S3cret'),
        path: 'spec.nas[0].credentials.password',
        message: expect.stringMatching(/^"password" holds a literal secret \("S3…"\)/),
      },
    ]);
    expectNoLeak(problems[0]?.message, 'S3cretPass');
  });

  it('secret.literal: known token shapes anywhere (Slack, GitHub, AWS, PEM private key)', () => {
    const github = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
    const pem =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n';
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.metadata.description = 'Alerts go to Slack with xoxb-123456789012-abcdefghijklmnop for now';
        p.metadata.labels = { 'aws-key': 'AKIAIOSFODNN7EXAMPLE', deploy: pem };
        p.spec.hooks = { pre: { command: ['/usr/local/bin/fetch-config', github], timeout: '5m' } };
      }),
    );
    const problems = runRule(noSecrets, files);
    expect(problems).toEqual([
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, 'description: Alerts', 'Alerts'),
        path: 'metadata.description',
        message: 'value contains a Slack token ("xoxb…"): revoke it and keep it out of git',
      },
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, 'aws-key: AKIA', 'AKIA'),
        path: 'metadata.labels.aws-key',
        message: 'value contains an AWS access key id ("AKIA…"): revoke it and keep it out of git',
      },
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, 'deploy: |', '|'),
        path: 'metadata.labels.deploy',
        message: 'value contains a private key ("----…"): revoke it and keep it out of git',
      },
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, `- ${github}`, 'ghp_'),
        path: 'spec.hooks.pre.command[1]',
        message: 'value contains a GitHub token ("ghp_…"): revoke it and keep it out of git',
      },
    ]);
    for (const p of problems)
      expectNoLeak(p.message, p.message.includes('GitHub') ? github.slice(4) : 'b3BlbnNz');
  });

  it('secret.literal: user:password@ in a repository URL, and --password=… in a hook argument', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.nas[0] = {
          ...(s.spec.nas[0] as NasTarget),
          repository: 'rest:https://backup:Sup3rS3cret@nas1.lisle.example.internal:8000/',
        };
      }),
      policy((p) => {
        p.spec.hooks = {
          pre: {
            command: ['/usr/bin/pg_dump', '--password=hunter2hunter2', '--file=/var/backups/db.sql'],
            timeout: '30m',
          },
        };
      }),
    );
    const problems = runRule(noSecrets, files);
    expect(problems).toEqual([
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, P, '- --password=hunter2hunter2', '--'),
        path: 'spec.hooks.pre.command[1]',
        message:
          '"password"= carries a literal secret ("hun…"): pass it through an environment variable instead',
      },
      {
        code: 'secret.literal',
        severity: 'error',
        ...at(files, S, 'repository: rest:', 'rest:'),
        path: 'spec.nas[0].repository',
        message:
          'URL contains a password (user:password@): pass credentials through environment variables instead',
      },
    ]);
    expectNoLeak(problems[0]?.message, 'hunter2hunter2');
    expectNoLeak(problems[1]?.message, 'Sup3rS3cret');
  });

  it('secret.high-entropy: a random-looking value under an innocent key', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.metadata.labels = { 'build-id': 'q8Zr4LmX2vTp9WkB7nYc3HdF' };
      }),
    );
    const problems = runRule(noSecrets, files);
    expect(problems).toEqual([
      {
        code: 'secret.high-entropy',
        severity: 'error',
        ...at(files, P, 'build-id: q8Zr', 'q8Zr'),
        path: 'metadata.labels.build-id',
        message:
          'value looks like a secret (24 random-looking characters, "q8Zr…"): keep secrets in environment variables',
      },
    ]);
  });

  it('scans documents that are not lifeboat kinds at all, numbers included', () => {
    const files: Files = {
      'sites/leak.yaml':
        'apiVersion: v1\nkind: Secret\ndata:\n  password: 123456\n  nested:\n    - apiToken: abcdefgh\n',
    };
    const problems = runRule(noSecrets, files, { allowLoadErrors: true });
    expect(
      problems.map((p) => ({ code: p.code, file: p.file, line: p.line, col: p.col, path: p.path })),
    ).toEqual([
      {
        code: 'secret.literal',
        ...at(files, 'sites/leak.yaml', 'password: 123456', '123456'),
        path: 'data.password',
      },
      {
        code: 'secret.literal',
        ...at(files, 'sites/leak.yaml', 'apiToken: abcdefgh', 'abcdefgh'),
        path: 'data.nested[0].apiToken',
      },
    ]);
    expectNoLeak(problems[0]?.message, '123456');
  });

  it('walks hostile keys (__proto__, constructor) as plain data', () => {
    const files: Files = {
      'policies/hostile.yaml':
        'apiVersion: lifeboat/v1\nkind: BackupPolicy\n__proto__:\n  password: hunter2hunter2\nconstructor:\n  prototype: 1\n',
    };
    const problems = runRule(noSecrets, files, { allowLoadErrors: true });
    expect(
      problems.map((p) => ({ code: p.code, file: p.file, line: p.line, col: p.col, path: p.path })),
    ).toEqual([
      {
        code: 'secret.literal',
        ...at(files, 'policies/hostile.yaml', 'password: hunter2', 'hunter2'),
        path: '__proto__.password',
      },
    ]);
    expect(({} as Record<string, unknown>).password).toBeUndefined();
  });
});
