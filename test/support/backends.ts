import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { MIGRATIONS, memoryTemplate, openStore, type Store } from "../../src/store/index.ts";

/**
 * The backends every store and command test runs on: PGlite always, and
 * PostgreSQL when DATABASE_URL is set. Tests isolate themselves by creating
 * their own organizations (tenancy), so one database serves them all.
 */
export type Backend = { readonly name: "pglite" | "postgres"; open(): Promise<Store> };

const CACHE = join(new URL("../..", import.meta.url).pathname, "node_modules", ".cache", "roster");

/** A migrated PGlite image, cached on disk by the migrations' hash: initdb takes seconds, a copy well under one. */
async function template(): Promise<Blob> {
  const hash = createHash("sha256");
  for (const f of readdirSync(MIGRATIONS, { recursive: true }).map(String).sort()) {
    if (f.endsWith(".sql") || f.endsWith(".json")) hash.update(f).update(readFileSync(join(MIGRATIONS, f)));
  }
  const file = join(CACHE, `pglite-${hash.digest("hex").slice(0, 16)}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    const image = await memoryTemplate();
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, Buffer.from(await image.arrayBuffer()));
    renameSync(tmp, file);
    return image;
  }
}

let templatePromise: Promise<Blob> | null = null;

export const pglite: Backend = {
  name: "pglite",
  async open() {
    templatePromise ??= template();
    return openStore({ memory: true, template: await templatePromise });
  },
};

export function backends(): Backend[] {
  const url = process.env.DATABASE_URL;
  if (!url) return [pglite];
  return [pglite, { name: "postgres", open: () => openStore({ databaseUrl: url, poolSize: 25 }) }];
}

/**
 * Declares a suite once per backend, with one store per backend shared by the
 * suite's tests (opened lazily, closed at the end).
 */
export function describeBackends(title: string, body: (store: () => Store) => void): void {
  for (const backend of backends()) {
    describe(`${title} [${backend.name}]`, () => {
      let store: Store | null = null;
      let opening: Promise<Store> | null = null;
      before(async () => {
        opening ??= backend.open();
        store = await opening;
      });
      body(() => {
        if (!store) throw new Error("store not open");
        return store;
      });
      // Registered after the suite's own hooks, so it runs after them: the store closes last.
      after(async () => {
        await store?.close();
      });
    });
  }
}
