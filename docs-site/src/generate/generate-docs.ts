import {
  type CatalogueEntry,
  compareProblems,
  loadInventory,
  type Problem,
  type RunRecord,
  type Site,
} from '@lifeboat/core';
import {
  buildReport,
  compareRecords,
  DEFAULT_REPORT_WINDOW_SECONDS,
  readRunRecords,
  viewFromRecords,
} from '@lifeboat/runners';
import { defaultCatalogue } from './catalogue.js';
import { type DocsContext, sortedValues } from './context.js';
import { category } from './frontmatter.js';
import { homePage } from './pages/home.js';
import { imagePage } from './pages/image.js';
import { newHirePage } from './pages/new-hire.js';
import type { PageFile, PageOutput } from './pages/page-file.js';
import { policyPage } from './pages/policy.js';
import { recoveryPage } from './pages/recovery.js';
import { runbookPages } from './pages/runbooks.js';
import { sitePage } from './pages/site.js';
import { sopPages } from './pages/sops.js';
import { statusPage } from './pages/status.js';
import { troubleshootingPage } from './pages/troubleshooting.js';
import { writeTree } from './write-tree.js';

// `lifeboat docs`: inventory + runbooks + run records → the Docusaurus docs folder. Deterministic: the
// same inputs give the same bytes (everything sorted; "now" comes from the option or the records).

export interface GenerateDocsOptions {
  /** Inventory root: sites/, policies/, images/ and runbooks/. */
  root: string;
  /** The Docusaurus docs folder; only files this generator listed before are removed from it. */
  outDir: string;
  /**
   * A state directory holding `runs/<site>/…` run records for the status page and drill history; default
   * each site's `runner.stateDir`.
   */
  stateDir?: string;
  /** The moment pages are "as of"; default the newest run record's start, else FIXED_EPOCH. */
  now?: Date;
  /** Codes for the troubleshooting page; default core + validators + runners (+ docs). */
  catalogue?: Readonly<Record<string, CatalogueEntry>>;
}

export interface GenerateDocsResult {
  /** Written files, relative to outDir, sorted. */
  files: string[];
  problems: Problem[];
}

/** "Now" when nothing says otherwise: never the wall clock, so two runs agree. */
export const FIXED_EPOCH = new Date('2025-01-01T00:00:00.000Z');

/**
 * Run records: every site's in `stateDir` when given, else each site's own from its `runner.stateDir`
 * (as on a runner; a folder that does not exist holds no records).
 */
const loadRecords = async (
  stateDir: string | undefined,
  sites: readonly Site[],
): Promise<{ records: RunRecord[]; problems: Problem[] }> => {
  if (stateDir !== undefined) return readRunRecords(stateDir);
  const records: RunRecord[] = [];
  const problems: Problem[] = [];
  for (const site of sites) {
    const dir = site.spec.runner.stateDir;
    if (dir === undefined) continue;
    const read = await readRunRecords(dir, { site: site.metadata.name });
    records.push(...read.records);
    problems.push(...read.problems);
  }
  return { records: records.sort(compareRecords), problems };
};

/** Builds every page in memory: the pure part, used by generateDocs and the tests. */
export const buildPages = async (
  options: GenerateDocsOptions,
): Promise<{ files: PageFile[]; problems: Problem[] }> => {
  const loaded = await loadInventory(options.root);
  const { records, problems: recordProblems } = await loadRecords(
    options.stateDir,
    sortedValues(loaded.inventory.sites),
  );
  const newest = records.reduce<number | undefined>(
    (max, r) => Math.max(max ?? Number.NEGATIVE_INFINITY, Date.parse(r.startedAt)),
    undefined,
  );
  const now = options.now ?? (newest !== undefined ? new Date(newest) : FIXED_EPOCH);
  const past = records.filter((r) => Date.parse(r.startedAt) <= now.getTime());
  const view = viewFromRecords(past, now, DEFAULT_REPORT_WINDOW_SECONDS, recordProblems);
  const report = buildReport(loaded.inventory, view, { now });
  const sourceFiles = new Map<string, string>();
  for (const [kind, list] of [
    ['site', loaded.inventory.sites],
    ['policy', loaded.inventory.policies],
    ['image', loaded.inventory.images],
  ] as const)
    for (const e of list)
      if (!sourceFiles.has(`${kind}/${e.value.metadata.name}`))
        sourceFiles.set(`${kind}/${e.value.metadata.name}`, e.document.file);
  const ctx: DocsContext = {
    sites: sortedValues(loaded.inventory.sites),
    policies: sortedValues(loaded.inventory.policies),
    images: sortedValues(loaded.inventory.images),
    sourceFiles,
    inventory: loaded.inventory,
    now,
    report,
    records: past,
    catalogue: options.catalogue ?? defaultCatalogue(),
  };
  const runbooks = await runbookPages(ctx, options.root);
  const outputs: PageOutput[] = [
    homePage(ctx, runbooks.index),
    newHirePage(ctx, runbooks.index),
    statusPage(ctx),
    troubleshootingPage(ctx),
    {
      files: [
        {
          path: 'sites/_category_.json',
          content: category(
            'Sites',
            10,
            'Every site: NAS targets, offsite copies, policies, images and recovery.',
          ),
        },
        {
          path: 'policies/_category_.json',
          content: category(
            'Backup policies',
            20,
            'Every backup policy: schedule, retention, objectives and restore commands.',
          ),
        },
        {
          path: 'images/_category_.json',
          content: category(
            'Images',
            30,
            'Every disk and SD-card image: capture, restore, flashing and verification.',
          ),
        },
      ],
    },
    ...ctx.sites.map((s, i) => sitePage(ctx, s, i + 1)),
    ...ctx.sites.map((s) => recoveryPage(ctx, s)),
    ...ctx.policies.map((p, i) => policyPage(ctx, p, i + 1)),
    ...ctx.images.map((im, i) => imagePage(ctx, im, i + 1)),
    sopPages(ctx),
    runbooks.output,
  ];
  const files = outputs
    .flatMap((o) => o.files)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const problems = [...loaded.problems, ...recordProblems, ...outputs.flatMap((o) => o.problems ?? [])].sort(
    compareProblems,
  );
  return { files, problems };
};

/** Generates the docs tree into `outDir`; returns what it wrote and every problem met. */
export const generateDocs = async (options: GenerateDocsOptions): Promise<GenerateDocsResult> => {
  const built = await buildPages(options);
  const writeProblems = await writeTree(options.outDir, built.files);
  if (writeProblems.length > 0) return { files: [], problems: [...built.problems, ...writeProblems] };
  return { files: built.files.map((f) => f.path), problems: built.problems };
};
