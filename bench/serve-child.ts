import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createInterface } from "node:readline";
import { checkThreadsFor, serve, serveWorkers } from "../src/main.ts";

/** The server under load, in its own process (so the load generator has its own core). */
const workers = Number(process.env.ROSTER_WORKERS ?? 1);
const options = {
  port: Number(process.env.PORT ?? 0),
  host: "127.0.0.1",
  dataDir: process.env.ROSTER_DATA_DIR!,
  ...(process.env.DATABASE_URL && { databaseUrl: process.env.DATABASE_URL }),
  // As `roster serve` does: auto unless ROSTER_CHECK_THREADS says otherwise.
  checkThreads: checkThreadsFor(process.env.ROSTER_CHECK_THREADS ?? "auto", workers),
};
const server = workers > 1 ? await serveWorkers(options, workers) : await serve(options);
if (!server) await new Promise(() => {}); // a worker of `--workers`: it serves until its primary stops it
const stop = async () => {
  await server!.close();
  process.exit(0);
};
// Heard before "ready" says so: the bench may stop the server as soon as it reads the line.
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdout.write(`ready ${server!.url}\n`);

/** CPU time of this process and its workers, in microseconds (theirs from /proc, in clock ticks of 10 ms). */
function cpuTime(): number {
  const { user, system } = process.cpuUsage();
  let total = user + system;
  for (const pid of "pids" in server! ? server.pids() : []) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime
    } catch {
      // a worker that just exited
    }
  }
  return total;
}

// The bench talks to this process on stdin, one command per line:
//   cpu            prints the server's CPU time so far ("cpu <µs>"): CPU per request moves
//                  less than requests per second on a busy machine;
//   profile        starts a V8 CPU profile (of this process only), then prints "profiling";
//   save <file>    stops it and writes it to <file> (open it in Chrome's DevTools), then prints "saved".
let session: Session | null = null;
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(" ");
  if (command === "cpu") {
    process.stdout.write(`cpu ${cpuTime()}\n`);
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
