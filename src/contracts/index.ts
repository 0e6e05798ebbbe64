export * from "./check.ts";
export * from "./common.ts";
