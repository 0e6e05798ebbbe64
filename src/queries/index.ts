export * from "./audit.ts";
export * from "./auth.ts";
export * from "./csv.ts";
export * from "./exports.ts";
export * from "./organizations.ts";
export * from "./tenants.ts";
