import { serve } from "../src/main.ts";

/** The server under load, in its own process (so the load generator has its own core). */
const server = await serve({
  port: Number(process.env.PORT ?? 0),
  host: "127.0.0.1",
  dataDir: process.env.ROSTER_DATA_DIR!,
  ...(process.env.DATABASE_URL && { databaseUrl: process.env.DATABASE_URL }),
});
process.stdout.write(`ready ${server.url}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The bench asks for the server's CPU time around each phase: CPU per request
// reads the same on a busy machine, where requests per second do not.
process.on("SIGUSR2", () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`cpu ${user + system}\n`);
});
