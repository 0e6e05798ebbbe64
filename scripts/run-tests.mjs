#!/usr/bin/env node
// Runs node's test runner over an explicit list of test files.
// `node --test dir/` finds no .ts files on Node 20 and exits 0, so we list them
// ourselves and fail when there are none (STACK.md, pitfall 2).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const dirs = args.length > 0 ? args : ["test"];

function collect(path, out) {
  const stat = statSync(path);
  if (stat.isFile()) {
    if (path.endsWith(".test.ts")) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name === "fixtures") continue;
    collect(join(path, name), out);
  }
  return out;
}

const files = dirs.flatMap((d) => collect(join(root, d), [])).map((f) => relative(root, f));
if (files.length === 0) {
  console.error(`no test files found under ${dirs.join(", ")}`);
  process.exit(1);
}
console.log(
  `running ${files.length} test files${process.env.DATABASE_URL ? " (PGlite and PostgreSQL)" : " (PGlite only; set DATABASE_URL for PostgreSQL)"}`,
);
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
process.exit(result.status ?? 1);
