export * from "./context.ts";
export * from "./create-organization.ts";
