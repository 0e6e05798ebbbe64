/**
 * The writes of bench:http's mixed load, in their own process: run beside a
 * saturating check load in one process, autocannon's rate limiter starves and
 * almost no writes go out. Adds then removes members of one group, at a fixed
 * rate, and prints {sent, failed, p99ms} as JSON when done.
 */
const [url, token, group, rateArg, secondsArg, prefix = ""] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
let sent = 0;
let failed = 0;
const latencies: number[] = [];
const inFlight = new Set<Promise<void>>();
const end = Date.now() + seconds * 1000;
let k = 0;
while (Date.now() < end) {
  const i = k++;
  const started = performance.now();
  const p = fetch(`${url}/api/v1/groups/${group}/members${i % 2 === 0 ? "" : "/remove"}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ userIds: [`usr_${prefix}${Math.floor(i / 2) % 1000}`] }),
  })
    .then(async (res) => {
      const text = await res.text();
      if (res.status >= 300) {
        // The first few failures, so a run says why writes failed.
        if (failed < 3) console.error(`write failed: ${res.status} ${text.slice(0, 300)}`);
        failed++;
      } else sent++;
      latencies.push(performance.now() - started);
    })
    .catch((e: unknown) => {
      if (failed < 3)
        console.error(`write failed: ${String(e)} (${String((e as { cause?: unknown }).cause)})`);
      failed++;
    })
    .finally(() => inFlight.delete(p));
  inFlight.add(p);
  await new Promise((r) => setTimeout(r, 1000 / rate));
}
await Promise.all(inFlight);
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    sent,
    failed,
    perSec: Math.round(sent / seconds),
    p99ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
  }),
);
