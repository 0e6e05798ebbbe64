import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createInterface } from "node:readline";
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

// The bench talks to this process on stdin, one command per line:
//   cpu            prints the server's CPU time so far ("cpu <µs>"): CPU per request reads the
//                  same on a busy machine, where requests per second do not;
//   profile        starts a V8 CPU profile, then prints "profiling";
//   save <file>    stops it and writes it to <file> (open it in Chrome's DevTools), then prints "saved".
let session: Session | null = null;
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(" ");
  if (command === "cpu") {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${user + system}\n`);
  } else if (command === "profile") {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    process.stdout.write("profiling\n");
  } else if (command === "save" && session && arg) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(arg, JSON.stringify(profile));
    session.disconnect();
    session = null;
    process.stdout.write("saved\n");
  }
}
