// `just bench-api`: the fan-out figure of issue 10. Opens BENCH_FANOUT_STREAMS
// server-sent event streams (GET /api/{user}/events) on one API instance,
// BENCH_FANOUT_PER_USER per user (at most 10: the API's per-user limit), then
// creates tasks for those users at BENCH_FANOUT_RATE writes per second for
// BENCH_FANOUT_SECONDS, and measures when each stream receives each write.
//
// Latency is from the moment the write's request is sent to the moment a
// stream receives its event: an upper bound of "commit to receipt" (the
// commit happens somewhere inside the request). Memory per stream is the
// API's resident set with the streams open minus before, divided by their
// number.
//
// argv:   <users.txt from mint-tokens.mjs> <API base URL> <API pid>
// stdout: one JSON object (run.sh saves it as fanout.json for report.mjs)
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const [usersFile, base, apiPid] = process.argv.slice(2);
const env = process.env;
const streams = Number(env.BENCH_FANOUT_STREAMS || 1000);
const perUser = Math.min(10, Number(env.BENCH_FANOUT_PER_USER || 10));
const rate = Number(env.BENCH_FANOUT_RATE || 100);
const seconds = Number(env.BENCH_FANOUT_SECONDS || 10);

// Node's fetch (undici) opens as many connections per origin as needed: one
// per open stream, and a few for the writes.
const users = readFileSync(usersFile, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => {
    const [id, token] = line.split(" ");
    return { id, token };
  })
  .slice(0, Math.ceil(streams / perUser));
if (users.length * perUser < streams) {
  console.error(`fanout: ${streams} streams need ${Math.ceil(streams / perUser)} users, have ${users.length}`);
  process.exit(2);
}

function rssKb() {
  const status = readFileSync(`/proc/${apiPid}/status`, "utf8");
  const match = status.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) : NaN;
}

// title → the time its request was sent (performance.now(), ms).
const sentAt = new Map();
const latencies = [];
let received = 0;
let unexpected = 0;
let streamErrors = 0;
const controllers = [];

async function openStream(user) {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(`${base}/api/${user.id}/events`, {
    headers: { authorization: `Bearer ${user.token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (response.status !== 200) {
    throw new Error(`GET /events answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  let buffer = "";
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  const decoder = new TextDecoder();
  (async () => {
    try {
      for await (const chunk of response.body) {
        const now = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trimStart();
          }
          if (event === "ready") markReady();
          else if (event === "task.upsert") {
            const title = JSON.parse(data)?.data?.title;
            const sent = sentAt.get(title);
            if (sent === undefined) unexpected += 1;
            else {
              received += 1;
              latencies.push(now - sent);
            }
          }
        }
      }
    } catch (error) {
      if (error.name !== "AbortError") streamErrors += 1;
    }
  })();
  return ready;
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const rssBeforeKb = rssKb();
const opened = [];
for (let i = 0; i < streams; i++) {
  opened.push(openStream(users[Math.floor(i / perUser)]));
  // Spread the opening so the per-user rate limit (a burst of 100) never bites.
  if (i % 50 === 49) await sleep(20);
}
const openStart = performance.now();
await Promise.all(opened);
const openMs = performance.now() - openStart;
await sleep(1000);
const rssOpenKb = rssKb();

// The writes: one task at a time per tick, round robin over the users.
let writes = 0;
let writeErrors = 0;
const interval = 1000 / rate;
const started = performance.now();
const pending = [];
for (let n = 0; performance.now() - started < seconds * 1000; n++) {
  const user = users[n % users.length];
  const title = `fanout ${n}`;
  sentAt.set(title, performance.now());
  writes += 1;
  pending.push(
    fetch(`${base}/api/${user.id}/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title }),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.status !== 201) writeErrors += 1;
      })
      .catch(() => (writeErrors += 1)),
  );
  const next = started + (n + 1) * interval;
  const wait = next - performance.now();
  if (wait > 0) await sleep(wait);
}
await Promise.all(pending);
// Stragglers.
const expected = (writes - writeErrors) * perUser;
for (let i = 0; i < 50 && received < expected; i++) await sleep(100);
const rssEndKb = rssKb();
for (const controller of controllers) controller.abort();

latencies.sort((a, b) => a - b);
const round = (value, digits = 2) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);
process.stdout.write(
  JSON.stringify({
    streams,
    streams_per_user: perUser,
    users: users.length,
    writes_per_s_target: rate,
    seconds,
    writes,
    write_errors: writeErrors,
    deliveries_expected: expected,
    deliveries: received,
    missing: expected - received,
    unexpected_events: unexpected,
    stream_errors: streamErrors,
    open_all_ms: round(openMs, 0),
    latency_ms: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? null),
    },
    rss_kb: { before: rssBeforeKb, streams_open: rssOpenKb, end: rssEndKb },
    kb_per_stream: round((rssOpenKb - rssBeforeKb) / streams, 1),
  }) + "\n",
);
process.exit(0);
