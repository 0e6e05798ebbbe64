import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, types } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { type FolderLock, lockFolder } from "./lock.ts";
import * as schema from "./schema.ts";

/** A database handle or an open transaction: the same typed API on PGlite and pg. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type BackendKind = "pglite" | "postgres";

/**
 * The store's handle. On PGlite a query issued on `db` while a transaction is
 * open waits for ever (STACK.md, pitfall 8): inside a transaction, always use
 * the transaction's handle.
 */
export type Store = {
  readonly kind: BackendKind;
  readonly db: Db;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on each notification of `channel`, on a dedicated connection.
   * On PostgreSQL a lost connection is re-established (with backoff) and the
   * channel listened to again; `onReconnect` then runs, so the caller can
   * catch up on what it missed. Returns a function that stops listening.
   */
  listen(
    channel: string,
    fn: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 7_311_905_001; // pg_advisory_lock key shared by every Roster server

export type OpenOptions =
  | { readonly databaseUrl: string; readonly poolSize?: number }
  | { readonly dataDir: string; readonly purpose?: string }
  | { readonly memory: true; readonly template?: Blob };

function wrap(kind: BackendKind, db: Db, close: () => Promise<void>, listen: Store["listen"]): Store {
  return {
    kind,
    db,
    transaction: (fn) => db.transaction((tx) => fn(tx as unknown as Db)),
    listen,
    close,
  };
}

const STATISTICS_EVERY_MS = 5 * 60_000;

/**
 * PGlite has no autovacuum, so nothing refreshes the planner's statistics:
 * with the statistics of an empty table, PostgreSQL scanned 100k users to find
 * 49 administrators (0.5 s). Analyzes the tables that have doubled in size
 * since they were last analyzed (a no-op most of the time; one query).
 */
export async function refreshStatistics(db: Db): Promise<string[]> {
  const grown = await rows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and pg_relation_size(c.oid) / 8192 > greatest(2 * c.relpages, 16)`,
  );
  for (const { name } of grown) await db.execute(sql`analyze ${sql.identifier(name)}`);
  return grown.map((g) => g.name);
}

/** The types drizzle reads as text from PGlite: dates, times and intervals, and arrays of them and of numerics. */
const AS_TEXT = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231,
  1115,
  1185,
  1187,
  1182,
];

type Queryable = Pick<PGlite, "query">;

/**
 * The PGlite client drizzle is given: PGlite's own, with two changes that
 * bench:http's mixed phase (checks while writes run) measured.
 *
 * - drizzle passes with every query the parsers that read those types as
 *   text, and PGlite merges them into its own 318 by spreading both objects,
 *   70–110 µs a query (13% of the server thread). This client reads them as
 *   text itself and drops the per-query parsers.
 * - PGlite answers a query on the server's thread without any I/O, so a
 *   transaction, and the transactions queued behind it, ran from start to
 *   end as one chain of promises: no check was answered until every queued
 *   write was done (check p99 40–48 ms, idle 5 ms). Each query first lets the
 *   event loop turn (setImmediate), so checks are answered between queries
 *   (6.5 ms).
 *
 * Both hold inside transactions too; the client is the same otherwise.
 */
function servingClient(client: PGlite): PGlite {
  for (const type of AS_TEXT) client.parsers[type] = (value: string) => value;
  const wrap = <T extends Queryable>(target: T): T =>
    new Proxy(target, {
      get(t, key) {
        if (key === "query") {
          return async (query: string, params?: unknown[], options?: object) => {
            await new Promise(setImmediate);
            return t.query(query, params, options && { ...options, parsers: undefined });
          };
        }
        if (key === "transaction") {
          return <R>(fn: (tx: Queryable) => Promise<R>) =>
            (t as unknown as PGlite).transaction((tx) => fn(wrap(tx)));
        }
        const value = Reflect.get(t, key, t);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return wrap(client);
}

async function openPglite(client: PGlite, lock: FolderLock | null, migrateNow: boolean): Promise<Store> {
  try {
    const db = drizzlePglite({ client: servingClient(client), schema });
    if (migrateNow) await migratePglite(db, { migrationsFolder: MIGRATIONS });
    await refreshStatistics(db as unknown as Db);
    const statistics = setInterval(
      () => void refreshStatistics(db as unknown as Db).catch(() => {}),
      STATISTICS_EVERY_MS,
    );
    statistics.unref();
    const listen: Store["listen"] = async (channel, fn) => {
      const stop = await client.listen(channel, fn);
      return async () => stop();
    };
    return wrap(
      "pglite",
      db as unknown as Db,
      async () => {
        clearInterval(statistics);
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
      listen,
    );
  } catch (e) {
    await client.close().catch(() => {});
    lock?.release();
    throw e;
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error must not kill the process (STACK.md, pitfall 11); the pool replaces it.
  pool.on("error", () => {});
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migratePg(drizzlePg({ client, schema }), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } catch (e) {
    client.release();
    await pool.end();
    throw e;
  }
  client.release();
  const db = drizzlePg({ client: pool, schema });
  const listeners = new Set<{ stop(): Promise<void> }>();
  const listen: Store["listen"] = async (channel, fn, onReconnect) => {
    const listener = await listenWithReconnect(url, channel, fn, onReconnect ?? (() => {}));
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      await listener.stop();
    };
  };
  return wrap(
    "postgres",
    db as unknown as Db,
    async () => {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end();
    },
    listen,
  );
}

/**
 * LISTEN on a dedicated connection that comes back: `pg` emits 'error' on
 * idle clients (STACK.md, pitfall 11), so errors and ends are caught, and the
 * connection is made again with backoff (100 ms doubling to 5 s).
 */
async function listenWithReconnect(
  url: string,
  channel: string,
  fn: (payload: string) => void,
  onReconnect: () => void,
): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = 100;
  let timer: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    if (stopped || timer) return;
    timer = setTimeout(async () => {
      timer = null;
      try {
        await connect();
        delay = 100;
        onReconnect();
      } catch {
        delay = Math.min(delay * 2, 5000);
        schedule();
      }
    }, delay);
    timer.unref();
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    const lost = () => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => {});
      schedule();
    };
    c.on("error", lost);
    c.on("end", lost);
    c.on("notification", (n) => {
      if (n.channel === channel) fn(n.payload ?? "");
    });
    await c.connect();
    await c.query(`listen ${JSON.stringify(channel)}`);
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

/** Opens (and migrates) the store: a PostgreSQL server, a PGlite folder (locked), or PGlite in memory. */
export async function openStore(options: OpenOptions): Promise<Store> {
  if ("databaseUrl" in options) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  if ("dataDir" in options) {
    const lock = lockFolder(options.dataDir, options.purpose ?? "another Roster process");
    let client: PGlite;
    try {
      client = await PGlite.create({ dataDir: join(options.dataDir, "pgdata") });
    } catch (e) {
      lock.release();
      throw e;
    }
    return openPglite(client, lock, true);
  }
  if (options.template) {
    return openPglite(await PGlite.create({ loadDataDir: options.template }), null, false);
  }
  return openPglite(await PGlite.create(), null, true);
}

/** A migrated, empty in-memory database image: copying it is much faster than running initdb again. */
export async function memoryTemplate(): Promise<Blob> {
  const client = await PGlite.create();
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS });
  const image = await client.dumpDataDir("none");
  await client.close();
  return image;
}

/** Raw rows of a SQL query, the same shape on both drivers. */
export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
