const { compileQuickCheck } = await import(process.env.QC ?? "./dist/inventory/quick-check.js");
import { readFileSync } from "node:fs"; const tcpu = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
const core = await import('@lifeboat/core');
const { files } = await core.readInventoryFiles(process.argv[2]);
const docs = files.map((f) => core.loadYamlFast(f).document.value);
let t = performance.now();
const checks = {}; for (const k of ['Site','BackupPolicy','Image']) checks[k] = compileQuickCheck(core.SCHEMAS[k]);
console.log('compile', (performance.now()-t).toFixed(1));
for (let i = 0; i < 6; i++) { const s = tcpu(); let ok = 0; for (const d of docs) ok += checks[d.kind](d); console.log("quick", (tcpu() - s).toFixed(1), ok); }
if (process.argv[3]) console.log(checks.Site.toString(), compileQuickCheck(core.SCHEMAS.Site).toString().length);
