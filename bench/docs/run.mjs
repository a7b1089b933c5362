// bench:docs — how long the runbook site takes for 1,000 policies: generateDocs (median of 3) and one
// `docusaurus build` of the result. Figures are printed with the load average (2 shared cores skew them).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { buildSite } from '@lifeboat/docs-site';
import { benchGenerate, DOCS_COUNTS } from './bench-generate.mjs';

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const countFiles = async (dir) => {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
};

const noBuild = process.argv.includes('--no-build');
const scratch = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-docs-'));
try {
  process.stdout.write(
    `bench:docs: ${DOCS_COUNTS.sites} sites, ${DOCS_COUNTS.policies} policies, ${DOCS_COUNTS.images} images (load ${load()})\n`,
  );
  const gen = await benchGenerate(scratch);
  const errors = gen.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    process.stderr.write(
      `bench:docs: the generated inventory has ${errors.length} error(s), e.g. ${errors[0].code}: ${errors[0].message}\n`,
    );
    process.exitCode = 1;
  }
  process.stdout.write(
    `generate    median ${gen.median.toFixed(3)} s for ${gen.pages} pages  (runs: ${gen.seconds.map((s) => s.toFixed(3)).join(', ')}; load ${load()})\n`,
  );
  if (!noBuild) {
    const outDir = path.join(scratch, 'build');
    let last = '';
    const built = await buildSite({
      docsDir: gen.docsDir,
      outDir,
      timeoutMs: 60 * 60_000,
      onProgress: (line) => {
        // Only the milestones: webpack's own progress would flood the figures.
        if (/\[(SUCCESS|success|ERROR|WARNING)\]|Compiled/.test(line) && line !== last) {
          last = line;
          process.stdout.write(`  ${line}\n`);
        }
      },
    });
    if (!built.ok) {
      process.stderr.write(`bench:docs: build failed: ${built.error}\n`);
      process.exitCode = 1;
    } else {
      const files = await countFiles(outDir);
      const seconds = built.durationMs / 1000;
      process.stdout.write(
        `build       ${seconds.toFixed(1)} s for ${gen.pages} pages → ${files} files  (${((seconds * 1000) / gen.pages).toFixed(0)} ms/page; build/generate ${(seconds / gen.median).toFixed(0)}×; load ${load()})\n`,
      );
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
