import type { AccessIndex } from "../access/index.ts";
import type { ActivityRecorder, Store } from "../commands/index.ts";
import type { Authenticator } from "./auth.ts";
import type { CheckThreads } from "./check-threads.ts";

/** What the routes use, wired once by the composition root (src/main.ts). */
export type Services = {
  readonly store: Store;
  readonly index: AccessIndex;
  readonly auth: Authenticator;
  readonly activity: ActivityRecorder;
  /** Threads that answer batch checks beside the main thread; without them, the main thread does. */
  readonly checks?: CheckThreads;
};
