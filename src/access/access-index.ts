import { type ChangeEvent, type OrgId, type OrgState, RosterError } from "../domain/index.ts";
import { CHANGES_CHANNEL, listOrganizations, loadSnapshot, readChanges, type Store } from "../store/index.ts";
import { OrgIndex } from "./org-index.ts";

export type AccessIndexOptions = {
  /** How often every organization's revision is compared with the database, in case a notification was missed. */
  readonly pollMs?: number;
  /** The default bound of `atLeast`. */
  readonly waitMs?: number;
  /**
   * false: load an organization when it is first asked for, and follow only
   * the loaded ones (a test server on a database shared by hundreds of test
   * organizations). Default true: a server loads every organization at start,
   * so no first check pays for a load.
   */
  readonly preload?: boolean;
};

type Waiter = { revision: number; resolve: () => void };

/**
 * What the index tells its observers, as it happens: an organization built
 * from a snapshot, or log entries of one revision applied. An observer that
 * folds these the same way holds a replica at the same revisions (the check
 * threads, src/http/check-threads.ts).
 */
export type IndexChange =
  | { readonly kind: "load"; readonly orgId: OrgId; readonly state: OrgState; readonly revision: number }
  | {
      readonly kind: "apply";
      readonly orgId: OrgId;
      readonly events: readonly ChangeEvent[];
      readonly revision: number;
    };

/**
 * Every organization's OrgIndex, following the change log: built from one
 * consistent snapshot, then advanced by reading each organization's log from
 * its last revision whenever a NOTIFY announces a commit (and on a slow poll,
 * and after the listening connection comes back). Any number of servers can
 * follow one database this way.
 */
export class AccessIndex {
  private readonly orgs = new Map<OrgId, OrgIndex>();
  private readonly loading = new Map<OrgId, Promise<OrgIndex | null>>();
  private readonly catchingUp = new Map<OrgId, Promise<void>>();
  private readonly again = new Set<OrgId>();
  private readonly waiters = new Map<OrgId, Set<Waiter>>();
  private unlisten: (() => Promise<void>) | null = null;
  private poller: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly observers = new Set<(change: IndexChange) => void>();

  constructor(
    readonly store: Store,
    private readonly options: AccessIndexOptions = {},
  ) {}

  /** Loads every organization (unless `preload` is false) and starts following the log. */
  async start(): Promise<void> {
    this.unlisten = await this.store.listen(
      CHANGES_CHANNEL,
      (payload) => {
        const orgId = payload.slice(0, payload.lastIndexOf(":")) as OrgId;
        if (orgId && this.follows(orgId)) void this.catchUp(orgId).catch(() => {});
      },
      () => void this.catchUpAll().catch(() => {}),
    );
    await this.catchUpAll();
    const pollMs = this.options.pollMs ?? 5000;
    if (pollMs > 0) {
      this.poller = setInterval(() => void this.catchUpAll().catch(() => {}), pollMs);
      this.poller.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    await this.unlisten?.();
    for (const set of this.waiters.values()) for (const w of set) w.resolve();
    this.waiters.clear();
  }

  /**
   * Calls `observer` with every load and every applied revision from now on, synchronously,
   * before any reader waiting for that revision is released. Returns the way to stop.
   */
  observe(observer: (change: IndexChange) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** An observer's failure is its own: this index, and the readers waiting on it, go on. */
  private tell(change: IndexChange): void {
    for (const observe of this.observers) {
      try {
        observe(change);
      } catch {
        // the observer deals with its own state (CheckThreads stops the thread it could not tell)
      }
    }
  }

  /** The index of an organization, if loaded (the hot path: no await). */
  get(orgId: OrgId): OrgIndex | undefined {
    return this.orgs.get(orgId);
  }

  /** The index of an organization, loading it if it is new to this server; null when it does not exist. */
  async org(orgId: OrgId): Promise<OrgIndex | null> {
    const known = this.orgs.get(orgId);
    if (known) return known;
    let pending = this.loading.get(orgId);
    if (!pending) {
      pending = this.load(orgId).finally(() => this.loading.delete(orgId));
      this.loading.set(orgId, pending);
    }
    return pending;
  }

  private async load(orgId: OrgId): Promise<OrgIndex | null> {
    try {
      const { state, revision } = await loadSnapshot(this.store, orgId);
      const index = OrgIndex.fromState(state, revision);
      this.orgs.set(orgId, index);
      this.tell({ kind: "load", orgId, state, revision });
      this.release(orgId, revision);
      return index;
    } catch (e) {
      if (e instanceof RosterError && e.code === "organization.not_found") return null;
      throw e;
    }
  }

  /**
   * The organization's index once it has applied at least `revision`; waits
   * (bounded) for the log to arrive, else fails with `revision.timeout`.
   */
  async atLeast(orgId: OrgId, revision: number, waitMs = this.options.waitMs ?? 5000): Promise<OrgIndex> {
    const index = await this.org(orgId);
    if (!index) throw new RosterError("organization.not_found", "No such organization.");
    if (index.revision >= revision) return index;
    await new Promise<void>((resolve, reject) => {
      const set = this.waiters.get(orgId) ?? new Set<Waiter>();
      this.waiters.set(orgId, set);
      const waiter: Waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          set.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        reject(
          new RosterError("revision.timeout", `Revision ${revision} was not reached in ${waitMs} ms.`, {
            revision,
            current: index.revision,
          }),
        );
      }, waitMs);
      set.add(waiter);
      void this.catchUp(orgId).catch(() => {});
    });
    return index;
  }

  /** Reads and applies an organization's log from its last revision. Serialized per organization. */
  async catchUp(orgId: OrgId): Promise<void> {
    if (this.stopped) return;
    const running = this.catchingUp.get(orgId);
    if (running) {
      // A commit may have landed after that read began: read once more after it.
      this.again.add(orgId);
      return running;
    }
    const run = (async () => {
      do {
        this.again.delete(orgId);
        const index = this.orgs.get(orgId);
        if (!index) {
          await this.org(orgId);
          continue;
        }
        const changes = await readChanges(this.store.db, orgId, index.revision, 1000);
        let i = 0;
        while (i < changes.length) {
          const revision = changes[i]!.revision;
          const events = [];
          while (i < changes.length && changes[i]!.revision === revision) events.push(changes[i++]!.event);
          index.applyAll(events, revision);
          this.tell({ kind: "apply", orgId, events, revision });
        }
        this.release(orgId, index.revision);
        if (changes.length > 0 && changes.at(-1)!.revision - (changes[0]!.revision - 1) >= 1000) {
          this.again.add(orgId);
        }
      } while (this.again.has(orgId) && !this.stopped);
    })().finally(() => this.catchingUp.delete(orgId));
    this.catchingUp.set(orgId, run);
    return run;
  }

  /** Whether this server keeps the organization's index current. */
  private follows(orgId: OrgId): boolean {
    return this.options.preload !== false || this.orgs.has(orgId) || this.loading.has(orgId);
  }

  /** Compares every organization's revision with the database and catches up the ones behind (and loads new ones). */
  async catchUpAll(): Promise<void> {
    const orgs = await listOrganizations(this.store.db);
    await Promise.all(
      orgs
        .filter((o) => this.follows(o.id))
        .map(async (o) => {
          const index = this.orgs.get(o.id);
          if (!index) await this.org(o.id);
          else if (index.revision < o.revision) await this.catchUp(o.id);
        }),
    );
  }

  private release(orgId: OrgId, revision: number): void {
    const set = this.waiters.get(orgId);
    if (!set) return;
    for (const w of [...set]) if (w.revision <= revision) w.resolve();
  }

  /** Every loaded organization's revision. */
  revisions(): Map<OrgId, number> {
    return new Map([...this.orgs].map(([id, index]) => [id, index.revision]));
  }
}
