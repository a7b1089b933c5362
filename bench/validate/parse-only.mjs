// The baseline for the validate benchmark: read every inventory file and parse it the way loadInventory does, nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadYaml, loadYamlFast } from '../../core/dist/index.js';

const [root, option] = process.argv.slice(2);
if (!root || (option !== undefined && option !== '--careful')) {
  process.stderr.write('usage: node bench/validate/parse-only.mjs <inventory-root> [--careful]\n');
  process.exit(2);
}
// loadInventory parses with loadYamlFast (js-yaml values, positions only when a problem needs them);
// --careful times the positioned `yaml` loader that the fast path falls back to for unusual files.
const parse = option === '--careful' ? loadYaml : loadYamlFast;

let files = 0;
let failed = 0;
for (const dir of ['sites', 'policies', 'images']) {
  // Synchronous reads, as loadInventory does: the cheapest way to get thousands of small files.
  let names;
  try {
    names = readdirSync(path.join(root, dir), { recursive: true });
  } catch {
    continue; // a missing folder is an empty one, as for loadInventory
  }
  names = names.filter((n) => /\.ya?ml$/i.test(n)).sort();
  for (const name of names) {
    const result = parse({ path: `${dir}/${name}`, content: readFileSync(path.join(root, dir, name)) });
    files++;
    if (!result.ok) failed++;
  }
}
process.stdout.write(`${JSON.stringify({ files, failed })}\n`);
process.exitCode = failed === 0 ? 0 : 1;
