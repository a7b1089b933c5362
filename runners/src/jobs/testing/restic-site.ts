// Test sites, policies, contexts and planned jobs for the restic jobs: documents built as typed objects,
// loaded through core's loader (JSON is YAML) so the jobs see what `lifeboat run` would give them.

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type BackupPolicy,
  hasErrors,
  type Inventory,
  loadInventoryFromFiles,
  type Site,
} from '@lifeboat/core';
import type { JobSubject, PlannedJob, ScheduledJob } from '../../scheduler/due.js';
import type { JobContext, JobEvent } from '../job.js';

export const PASSWORD_VAR = 'LIFEBOAT_TEST_NAS_PASSWORD';
export const PASSWORD = 'jobs-test-password';

type SiteSpec = Site['spec'];
type PolicySpec = BackupPolicy['spec'];

export interface SiteOptions {
  name?: string;
  /** Base repository of the NAS target `nas` (a path or a rest: URL). */
  repository: string;
  credentials?: SiteSpec['nas'][number]['credentials'];
  offsite?: SiteSpec['offsite'];
  more?: Partial<SiteSpec>;
}

export const siteDoc = (o: SiteOptions): Site => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: { name: o.name ?? 'lisle' },
  spec: {
    timezone: 'America/Chicago',
    environment: 'office',
    runner: { labels: ['site-lisle'] },
    nas: [
      {
        name: 'nas',
        repository: o.repository,
        credentials: o.credentials ?? { passwordEnv: PASSWORD_VAR },
      },
    ],
    ...(o.offsite ? { offsite: o.offsite } : {}),
    access: { approvers: [], requesters: [] },
    ...o.more,
  },
});

export interface PolicyOptions {
  name: string;
  site?: string;
  sources: string[];
  path?: string;
  more?: Partial<PolicySpec>;
}

export const policyDoc = (o: PolicyOptions): BackupPolicy => ({
  apiVersion: 'lifeboat/v1',
  kind: 'BackupPolicy',
  metadata: { name: o.name },
  spec: {
    site: o.site ?? 'lisle',
    dataClass: 'office-share',
    sources: { paths: o.sources },
    repository: { target: 'nas', path: o.path ?? o.name },
    schedule: { cron: '0 1 * * *' },
    retention: { keepLast: 3 },
    ...o.more,
  },
});

/** Loads the documents like `lifeboat run` would; a document the schema refuses fails the test loudly. */
export const inventoryOf = (sites: Site[], policies: BackupPolicy[]): Inventory => {
  const files = [
    ...sites.map((s) => ({ path: `sites/${s.metadata.name}.yaml`, content: JSON.stringify(s, null, 2) })),
    ...policies.map((p) => ({
      path: `policies/${p.metadata.name}.yaml`,
      content: JSON.stringify(p, null, 2),
    })),
  ];
  const loaded = loadInventoryFromFiles(files);
  if (hasErrors(loaded.problems)) {
    throw new Error(
      `test inventory does not load: ${loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`,
    );
  }
  return loaded.inventory;
};

export interface ContextOptions {
  inventory: Inventory;
  site?: string;
  stateDir: string;
  sandboxDir: string;
  env?: Record<string, string | undefined>;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface RecordedContext {
  context: JobContext;
  events: JobEvent[];
}

export const contextOf = (o: ContextOptions): RecordedContext => {
  const site = o.inventory.sites.find((s) => s.value.metadata.name === (o.site ?? 'lisle'));
  if (!site) throw new Error('site not in the test inventory');
  const events: JobEvent[] = [];
  return {
    events,
    context: {
      inventory: o.inventory,
      site,
      stateDir: o.stateDir,
      sandboxDir: o.sandboxDir,
      env: o.env ?? { [PASSWORD_VAR]: PASSWORD },
      now: o.now ?? (() => new Date()),
      onEvent: (e) => events.push(e),
      ...(o.signal ? { signal: o.signal } : {}),
    },
  };
};

/** A due planned job for policies (the first one's repository), as the scheduler would hand it over. */
export const plannedOf = (
  job: ScheduledJob,
  policies: string | string[],
  extra: Partial<PlannedJob> = {},
): PlannedJob => {
  const names = Array.isArray(policies) ? policies : [policies];
  const subjects: JobSubject[] = names.map((name) => ({ kind: 'policy', name }));
  return {
    key: `${job}:policy:${names.join(',')}`,
    job,
    subjects,
    repository: { site: 'lisle', target: 'nas', path: names[0] ?? '' },
    heavy: job === 'prune' || job === 'check',
    status: 'due',
    missed: 0,
    reason: 'test',
    ...extra,
  };
};

/** Writes files of random bytes (sizes in bytes) under `dir`. */
export const writeRandomFiles = async (dir: string, files: Record<string, number>): Promise<void> => {
  for (const [rel, size] of Object.entries(files)) {
    const p = join(dir, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, randomBytes(size));
  }
};
