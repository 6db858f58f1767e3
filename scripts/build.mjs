#!/usr/bin/env node
// Builds the app (next build) unless the build in FOLIO_NEXT_DIST (default .next) is already
// up to date with the sources. FOLIO_REBUILD=1 forces a build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const dist = path.join(root, process.env.FOLIO_NEXT_DIST || ".next");
const stampFile = path.join(dist, ".folio-source-stamp");

/** Newest modification time and count of the files a build depends on. */
function sourceStamp() {
  let newest = 0;
  let count = 0;
  const skip = new Set([path.join(root, "lib", "generated")]);
  const walk = (dir) => {
    if (!fs.existsSync(dir) || skip.has(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        count++;
        newest = Math.max(newest, fs.statSync(p).mtimeMs);
      }
    }
  };
  for (const d of ["app", "components", "lib", "inngest", "public", "types", "prisma"]) walk(path.join(root, d));
  for (const f of ["package-lock.json", "next.config.mjs", "tsconfig.json", "postcss.config.mjs", "proxy.ts"]) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return `${count}:${Math.floor(newest)}`;
}

const stamp = sourceStamp();
const upToDate =
  fs.existsSync(path.join(dist, "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp;
if (upToDate && process.env.FOLIO_REBUILD !== "1") {
  console.log(`Build in ${path.relative(root, dist)} is up to date.`);
} else {
  console.log(`Building Folio into ${path.relative(root, dist)}...`);
  const r = spawnSync(path.join(root, "node_modules", ".bin", "next"), ["build"], { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  fs.writeFileSync(stampFile, stamp);
}
