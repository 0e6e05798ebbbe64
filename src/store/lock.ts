import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { RosterError } from "../domain/index.ts";

/**
 * An exclusive lock on a PGlite data folder: two processes on one folder
 * silently lose writes (STACK.md, pitfall 1). The lock file holds the pid and
 * host and is created atomically (`wx`); a lock whose process is gone is stale
 * and taken over, so a crash never blocks the next start.
 */
export type FolderLock = { readonly path: string; release(): void };

type LockInfo = { pid: number; host: string; startedAt: string; purpose: string };

export const LOCK_FILE = "roster.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(dir: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockInfo;
  } catch {
    return null;
  }
}

/** The holder of a folder's lock, if a live process holds it. */
export function lockHolder(dir: string): LockInfo | null {
  const info = readLock(dir);
  if (!info) return null;
  if (info.host === hostname() && !alive(info.pid)) return null;
  return info;
}

export function lockFolder(dir: string, purpose: string): FolderLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      const info: LockInfo = {
        pid: process.pid,
        host: hostname(),
        startedAt: new Date().toISOString(),
        purpose,
      };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          if (readLock(dir)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = lockHolder(dir);
      if (holder) {
        throw new RosterError(
          "store.locked",
          `The data folder ${dir} is in use by ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). ` +
            "Stop it first, or talk to the running server over HTTP.",
          { pid: holder.pid, host: holder.host },
        );
      }
      // Stale (its process is gone, or the file is unreadable): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new RosterError("store.locked", `Could not lock the data folder ${dir}.`);
}
