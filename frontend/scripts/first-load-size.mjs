// Sizes of the schedule page's first-load JavaScript: the entry and every chunk it imports statically
// (what the page needs before its first paint), raw, gzip and brotli. `npm run size` after `npm run build`.
import { readFileSync } from "node:fs";
import { brotliCompressSync, gzipSync } from "node:zlib";

const dist = new URL("../../static/dist/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8"));
const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit("src/main.tsx");
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
let total = { raw: 0, gzip: 0, brotli: 0 };
for (const key of seen) {
  const bytes = readFileSync(new URL(manifest[key].file, dist));
  const row = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
  for (const k of Object.keys(total)) total[k] += row[k];
  console.log(`${manifest[key].file.padEnd(44)} ${kB(row.raw).padStart(10)} ${kB(row.gzip).padStart(10)} ${kB(row.brotli).padStart(10)}`);
}
console.log(`${"first load (raw, gzip, brotli)".padEnd(44)} ${kB(total.raw).padStart(10)} ${kB(total.gzip).padStart(10)} ${kB(total.brotli).padStart(10)}`);
