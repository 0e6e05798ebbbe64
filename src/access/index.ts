export * from "./access-index.ts";
export * from "./org-index.ts";
