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
