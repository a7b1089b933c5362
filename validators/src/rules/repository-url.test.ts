import type { NasTarget } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { inventoryFiles, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { repositoryProblem, repositoryUrl } from './repository-url.js';

const S = 'sites/lisle.yaml';

const nas = (name: string, repository: string): NasTarget => ({
  name,
  repository,
  credentials: { passwordEnv: 'RESTIC_PASSWORD' },
});

describe('repositoryProblem', () => {
  it('accepts every restic backend lifeboat supports, local paths and plain http on loopback', () => {
    for (const repository of [
      'rest:https://nas1.lisle.example.internal:8000/',
      'rest:http://127.0.0.1:8000/',
      'rest:http://localhost:8000/',
      'rest:http://[::1]:8000/',
      'rest:http://backup@127.0.0.1:8000/',
      'sftp:backup@nas1:/volume1/restic',
      's3:s3.us-east-1.amazonaws.com/lifeboat',
      'b2:lifeboat-grocery:restic',
      'azure:lifeboat:/restic',
      'gs:lifeboat:/restic',
      'swift:lifeboat:/restic',
      'rclone:b2-grocery:restic',
      '/srv/restic/lisle',
    ]) {
      expect([repository, repositoryProblem(repository)]).toEqual([repository, undefined]);
    }
  });

  it('refuses unknown schemes, empty locations and rest: without a URL; warns on http off loopback', () => {
    expect(repositoryProblem('ftp://nas1/backup')?.severity).toBe('error');
    expect(repositoryProblem('nas1:/volume1/restic')?.severity).toBe('error');
    expect(repositoryProblem('REST:https://nas1/')?.severity).toBe('error');
    expect(repositoryProblem('relative/restic')?.severity).toBe('error');
    expect(repositoryProblem('s3:')?.message).toBe('repository "s3:" has no location after "s3:"');
    expect(repositoryProblem('rest:nas1:8000')?.message).toBe(
      'repository "rest:nas1:8000": rest: needs an http:// or https:// URL',
    );
    expect(repositoryProblem('rest:http://nas1.lisle.example.internal:8000/')?.severity).toBe('warning');
    expect(repositoryProblem('rest:http://127.0.0.1.example.com:8000/')?.severity).toBe('warning');
  });
});

describe('repository-url', () => {
  it('accepts the valid site', () => {
    expect(runRule(repositoryUrl, inventoryFiles())).toEqual([]);
  });

  it('site.repository-url: an unknown backend (error) and plain http to the NAS (warning)', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.nas.push(
          nas('nas2', 'smb://nas2/restic'),
          nas('nas3', 'rest:http://nas3.lisle.example.internal:8000/'),
        );
      }),
    );
    expect(runRule(repositoryUrl, files)).toEqual([
      {
        code: 'site.repository-url',
        severity: 'error',
        ...at(files, S, 'repository: smb:', 'smb'),
        path: 'spec.nas[1].repository',
        message:
          'repository "smb://nas2/restic" is not a restic repository: use rest:, sftp:, s3:, b2:, azure:, gs:, swift:, rclone: or an absolute path',
      },
      {
        code: 'site.repository-url',
        severity: 'warning',
        ...at(files, S, 'repository: rest:http:', 'rest'),
        path: 'spec.nas[2].repository',
        message:
          'repository "rest:http://nas3.lisle.example.internal:8000/" uses plain http to "nas3.lisle.example.internal": credentials and backup data cross the network in clear; use https',
      },
    ]);
  });
});
