export * from "./audit.ts";
export * from "./catalog.ts";
export * from "./check.ts";
export * from "./common.ts";
export * from "./groups.ts";
export * from "./rules.ts";
export * from "./users.ts";
