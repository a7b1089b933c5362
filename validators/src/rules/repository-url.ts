import { type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';

// A repository string restic cannot parse fails every backup at that site; plain HTTP exposes data and credentials.

const BACKENDS = new Set(['rest', 'sftp', 's3', 'b2', 'azure', 'gs', 'swift', 'rclone']);
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** What is wrong with a NAS repository string: an error, a plain-HTTP warning, or nothing. */
export const repositoryProblem = (
  repository: string,
): { severity: 'error' | 'warning'; message: string } | undefined => {
  if (repository.startsWith('/')) return undefined;
  const match = /^([A-Za-z0-9]+):(.*)$/s.exec(repository);
  const backend = match?.[1];
  const rest = match?.[2] ?? '';
  if (!backend || !BACKENDS.has(backend)) {
    return {
      severity: 'error',
      message: `repository ${quote(repository)} is not a restic repository: use rest:, sftp:, s3:, b2:, azure:, gs:, swift:, rclone: or an absolute path`,
    };
  }
  if (rest.trim() === '')
    return {
      severity: 'error',
      message: `repository ${quote(repository)} has no location after "${backend}:"`,
    };
  if (backend !== 'rest') return undefined;
  const url = /^(https?):\/\/([^/?#]*)/i.exec(rest);
  if (!url) {
    return {
      severity: 'error',
      message: `repository ${quote(repository)}: rest: needs an http:// or https:// URL`,
    };
  }
  const host = (url[2] ?? '').replace(/^.*@/, '').replace(/:\d*$/, '');
  if (url[1]?.toLowerCase() === 'http' && !LOOPBACK.test(host)) {
    return {
      severity: 'warning',
      message: `repository ${quote(repository)} uses plain http to ${quote(host)}: credentials and backup data cross the network in clear; use https`,
    };
  }
  return undefined;
};

export const repositoryUrl: Rule = {
  id: 'repository-url',
  description:
    'Every NAS repository is a restic backend URL or an absolute path, and REST over plain HTTP stays on loopback.',
  codes: {
    'site.repository-url': {
      title: 'Unusable or insecure repository URL',
      cause:
        'A NAS target repository is not one restic understands (rest:, sftp:, s3:, b2:, azure:, gs:, swift:, rclone: or an absolute path), or it is rest:http:// to a host other than loopback, which sends the repository password and data in clear (warning).',
      fix: 'Write a restic repository string such as rest:https://nas1.example.internal:8000/ or sftp:backup@nas1:/volume1/restic; use https for REST servers off this machine.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.sites) {
      value.spec.nas.forEach((target, i) => {
        const found = repositoryProblem(target.repository);
        if (found) {
          problems.push(
            problemIn(document, ['spec', 'nas', i, 'repository'], 'site.repository-url', found.message, {
              severity: found.severity,
            }),
          );
        }
      });
    }
    return problems;
  },
};
