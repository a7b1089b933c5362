const core = await import('@lifeboat/core');
const { files } = await core.readInventoryFiles(process.argv[2]);
const docs = files.slice(0, 300).map((f) => core.loadYamlFast(f).document.value);
let fast = 0, slow = 0;
const walk = (v) => { if (v && typeof v === 'object') { if (!Array.isArray(v)) { if (%HasFastProperties(v)) fast++; else slow++; } for (const x of Object.values(v)) walk(x); } };
docs.forEach(walk); console.log({ fast, slow });
const a = docs[10], b = docs[20]; console.log(%HaveSameMap(a, b), %HaveSameMap(a.spec, b.spec), %HaveSameMap(a.metadata, b.metadata));
