import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inventory } from '@lifeboat/core';
import {
  DRILL_WORKFLOW,
  RESTORE_WORKFLOW,
  renderDrillWorkflow,
  renderRestoreWorkflow,
} from './dispatch-workflows.js';
import { PLAN_SNAPSHOTS_WORKFLOW, renderPlanSnapshotsWorkflow } from './plan-snapshots-workflow.js';
import { renderSiteWorkflow, siteWorkflowPath } from './site-workflow.js';
import { GENERATED_MARK } from './yaml-text.js';

// The workflows that derive from sites/: what they must be, how the files on disk differ, and writing them.

export interface GeneratedFile {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  content: string;
}

const WORKFLOW_DIR = '.github/workflows';

/** Every generated workflow for the inventory, sorted by path. */
export const generateWorkflows = (inventory: Inventory): GeneratedFile[] => {
  const sites = [...inventory.sites].sort((a, b) =>
    a.value.metadata.name.localeCompare(b.value.metadata.name),
  );
  const files: GeneratedFile[] = sites.map((s) => ({
    path: siteWorkflowPath(s.value.metadata.name),
    content: renderSiteWorkflow(s),
  }));
  if (sites.length > 0) {
    files.push({ path: RESTORE_WORKFLOW, content: renderRestoreWorkflow(sites) });
    files.push({ path: DRILL_WORKFLOW, content: renderDrillWorkflow(sites) });
  }
  const planSnapshots = renderPlanSnapshotsWorkflow(sites);
  if (planSnapshots !== undefined) files.push({ path: PLAN_SNAPSHOTS_WORKFLOW, content: planSnapshots });
  return files.sort((a, b) => a.path.localeCompare(b.path));
};

export type WorkflowState = 'up-to-date' | 'drifted' | 'missing' | 'stale';

export interface WorkflowStatus {
  path: string;
  state: WorkflowState;
}

const readText = (file: string): Promise<string | undefined> =>
  readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });

/** Generated files on disk that nothing generates any more (a removed site): only files carrying the mark. */
const generatedOnDisk = async (root: string): Promise<string[]> => {
  const dir = path.join(root, WORKFLOW_DIR);
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const found: string[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const text = await readText(path.join(dir, name));
    if (text?.startsWith(GENERATED_MARK)) found.push(`${WORKFLOW_DIR}/${name}`);
  }
  return found;
};

/** Each expected file against the disk, then generated files nothing expects. */
export const compareWorkflows = async (
  root: string,
  expected: readonly GeneratedFile[],
): Promise<WorkflowStatus[]> => {
  const out: WorkflowStatus[] = [];
  for (const file of expected) {
    const actual = await readText(path.join(root, file.path));
    out.push({
      path: file.path,
      state: actual === undefined ? 'missing' : actual === file.content ? 'up-to-date' : 'drifted',
    });
  }
  const wanted = new Set(expected.map((f) => f.path));
  for (const file of await generatedOnDisk(root))
    if (!wanted.has(file)) out.push({ path: file, state: 'stale' });
  return out;
};

/** Write what differs and remove stale generated files; hand-written workflows are never touched. */
export const writeWorkflows = async (
  root: string,
  expected: readonly GeneratedFile[],
): Promise<WorkflowStatus[]> => {
  const status = await compareWorkflows(root, expected);
  await mkdir(path.join(root, WORKFLOW_DIR), { recursive: true });
  const byPath = new Map(expected.map((f) => [f.path, f]));
  for (const s of status) {
    if (s.state === 'stale') await unlink(path.join(root, s.path));
    else if (s.state !== 'up-to-date')
      await writeFile(path.join(root, s.path), byPath.get(s.path)?.content ?? '');
  }
  return status;
};
