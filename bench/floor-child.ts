import { createServer } from "node:http";

/**
 * The ceiling of bench:http's single checks on this machine: Node's own HTTP
 * server, with no framework, no authentication and no index, reading each
 * check's JSON body and answering a fixed result. Driven by the same client
 * as Roster, it shows how much of a check's cost is HTTP itself.
 */
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const check = JSON.parse(Buffer.concat(chunks).toString()) as { user?: string };
    const body = JSON.stringify({ allowed: typeof check.user === "string", revision: 1 });
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  process.stdout.write(`ready http://127.0.0.1:${address.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
