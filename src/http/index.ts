export * from "./app.ts";
export * from "./auth.ts";
export * from "./services.ts";
