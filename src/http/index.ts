export * from "./app.ts";
export * from "./auth.ts";
export * from "./check-threads.ts";
export * from "./services.ts";
