import { type Inventory, quote, type Site } from '@lifeboat/core';
import { credentialEnv, joinRepository } from '../jobs/repository.js';
import { openLedgerIndex } from '../ledger/index.js';
import { CODES as RESTIC_CODES } from '../tools/restic/outcome.js';
import { catConfig } from '../tools/restic/restic.js';
import { type Finding, finding, missingVariables, redact, setVariables } from './findings.js';

// Every restic repository the site's policies write to: are its credentials in the runner's environment
// (named, never shown), and does `restic cat config` open it within a short time.

interface Repository {
  target: string;
  path: string;
  policies: string[];
}

const repositoriesOf = (inventory: Inventory, site: string): Repository[] => {
  const byKey = new Map<string, Repository>();
  for (const { value: p } of inventory.policies) {
    if (p.spec.site !== site) continue;
    const key = `${p.spec.repository.target}/${p.spec.repository.path}`;
    const repo = byKey.get(key) ?? {
      target: p.spec.repository.target,
      path: p.spec.repository.path,
      policies: [],
    };
    repo.policies.push(p.metadata.name);
    byKey.set(key, repo);
  }
  return [...byKey.values()].sort((a, b) => `${a.target}/${a.path}`.localeCompare(`${b.target}/${b.path}`));
};

export interface RepositoryCheckOptions {
  inventory: Inventory;
  site: Site;
  env: Readonly<Record<string, string | undefined>>;
  stateDir: string;
  timeoutMs: number;
  resticBinary?: string;
}

const checkOne = async (o: RepositoryCheckOptions, repo: Repository): Promise<Finding> => {
  const subject = `${repo.target}/${repo.path}`;
  const used = `used by ${repo.policies.map((p) => quote(p)).join(', ')}`;
  const target = o.site.spec.nas.find((n) => n.name === repo.target);
  if (!target)
    return finding('repository', subject, 'fail', `site has no NAS target ${quote(repo.target)} (${used})`, {
      fix: 'add the NAS target to the site or fix the policies (lifeboat validate reports it too)',
    });
  const where = joinRepository(target.repository, repo.path);
  if (!where.ok)
    return finding('repository', subject, 'fail', where.error.message, {
      fix: 'fix the NAS target URL in the site',
    });
  const { passwordEnv, envFrom = [] } = target.credentials;
  const absent = missingVariables([...(passwordEnv === undefined ? [] : [passwordEnv]), ...envFrom], o.env);
  if (absent.length > 0)
    return finding(
      'repository',
      subject,
      'fail',
      `${where.value.display}: credentials not set on this runner: ${absent.join(', ')} (${used})`,
      { fix: setVariables(absent), details: { missingVariables: absent } },
    );
  const env = credentialEnv(target.credentials, o.env, `NAS target ${quote(target.name)}`);
  if (!env.ok)
    return finding('repository', subject, 'fail', `${where.value.display}: ${env.error.message}`, {
      fix: 'fix the credentials of the NAS target in the site',
    });
  const opened = await catConfig(
    {
      repository: where.value.location,
      env: env.value,
      ...(o.resticBinary === undefined ? {} : { binary: o.resticBinary }),
    },
    { timeoutMs: o.timeoutMs, lockRetry: false },
  );
  if (opened.outcome === 'ok')
    return finding(
      'repository',
      subject,
      'ok',
      `${where.value.display} opens (repository ${opened.value.id.slice(0, 8)}, restic ${opened.version})`,
      {
        details: { repositoryId: opened.value.id },
      },
    );
  const { error } = opened;
  if (error.code === 'restic.repository-missing') {
    // A repository that never had a backup is created by the first one; one that had backups is a loss.
    const index = await openLedgerIndex(o.stateDir, o.site.metadata.name, { repair: false });
    const backedUp = repo.policies.find((p) => index.lastSuccess({ policy: p }, 'backup') !== undefined);
    return backedUp === undefined
      ? finding(
          'repository',
          subject,
          'warn',
          `${where.value.display} does not exist yet; the first backup creates it (${used})`,
          {
            fix: 'nothing, if the policy is new; otherwise check the URL and path',
          },
        )
      : finding(
          'repository',
          subject,
          'fail',
          `${where.value.display} is gone, but policy ${quote(backedUp)} backed up to it before`,
          {
            fix: 'find out what happened to the repository before anything writes to that location; restore it from the offsite copy',
          },
        );
  }
  const secrets = Object.values(env.value).filter((v): v is string => v !== undefined);
  return finding('repository', subject, 'fail', `${where.value.display}: ${redact(error.message, secrets)}`, {
    fix: RESTIC_CODES[error.code]?.fix ?? 'run the same restic command by hand on the runner to see more',
    details: { code: error.code },
  });
};

export const checkRepositories = async (o: RepositoryCheckOptions): Promise<Finding[]> => {
  const repos = repositoriesOf(o.inventory, o.site.metadata.name);
  if (repos.length === 0) return [finding('repository', 'restic', 'ok', 'the site has no backup policies')];
  return Promise.all(repos.map((r) => checkOne(o, r)));
};
