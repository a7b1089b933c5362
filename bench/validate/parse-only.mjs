// The baseline for the validate benchmark: read every inventory file and parse it with core's loadYaml, nothing else.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadYaml } from '../../core/dist/index.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: node bench/validate/parse-only.mjs <inventory-root>\n');
  process.exit(2);
}

let files = 0;
let failed = 0;
for (const dir of ['sites', 'policies', 'images']) {
  const names = (await readdir(path.join(root, dir), { recursive: true }))
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort();
  const contents = await Promise.all(names.map((n) => readFile(path.join(root, dir, n))));
  names.forEach((name, i) => {
    const result = loadYaml({ path: `${dir}/${name}`, content: contents[i] });
    files++;
    if (!result.ok) failed++;
  });
}
process.stdout.write(`${JSON.stringify({ files, failed })}\n`);
process.exitCode = failed === 0 ? 0 : 1;
