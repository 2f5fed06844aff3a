// `wsn bench`: each workload runs for about a second against a relay started here, over
// ws and wsn, and the counts it prints are checked against what the relay holds.
// A check of the tool, not of speed: no timing is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEvent } from 'nostr-tools/pure';
import { startRelay } from './lib/relay.mjs';
import { runWsn, tempDir } from './tools_lib.mjs';

let relay, dir, uris;
before(async () => {
  dir = tempDir();
  const cfg = join(dir, 'wsn.toml');
  // The bench sends far more than the default per-IP budgets.
  writeFileSync(cfg, '[rate_limits]\n' + ['events_per_ip', 'events_per_pubkey', 'reqs_per_ip']
    .map((k) => `${k} = { per_second = 0, burst = 0 }\n`).join(''));
  relay = await startRelay({ args: ['--config', cfg] });
  uris = { ws: relay.wsUrl, wsn: relay.wsnUrl };
});
after(async () => {
  await relay.stop();
  relay.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// Runs `wsn bench ...args --json` and returns the one JSON line it ends with.
async function bench(args) {
  const r = await runWsn(['bench', ...args, '--json', '--threads', '2'], { timeout: 30000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.lines.length, 1, r.stdout);
  return JSON.parse(r.lines[0]);
}

async function gen(count, seed, authors = 10, more = ['--base-time', '1790000000']) {
  const r = await runWsn(['bench', 'gen', '--count', String(count), '--seed', String(seed), '--authors', String(authors), ...more]);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test('gen: the same seed gives the same bytes; every event verifies', async () => {
  const a = await gen(200, 5);
  const b = await gen(200, 5);
  const c = await gen(200, 6);
  assert.equal(a.stdout, b.stdout);
  assert.notEqual(a.stdout, c.stdout);
  const events = a.json();
  assert.equal(events.length, 200);
  for (const e of events) assert.ok(verifyEvent(e), JSON.stringify(e));
  const kinds = new Set(events.map((e) => e.kind));
  for (const k of [0, 1, 3, 6, 7, 30023]) assert.ok(kinds.has(k), `kind ${k} in the mix`);
  assert.equal(events[0].created_at, 1790000000);
});

test('gen: recent by default; --legacy is the 2023 set without reposts', async () => {
  const now = Date.now() / 1000;
  const recent = (await gen(20, 5, 10, [])).json();
  assert.ok(recent[0].created_at > now - 31 * 86400 && recent[0].created_at <= now - 29 * 86400, recent[0].created_at);
  assert.equal(recent[0].created_at % 86400, 0);
  const legacy = (await gen(200, 5, 10, ['--legacy'])).json();
  assert.equal(legacy[0].created_at, 1700000000);
  assert.ok(!legacy.some((e) => e.kind === 6));
  const bad = await runWsn(['bench', 'gen', '--count', '1', '--base-time', '-5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--base-time/);
});

const seeds = { ws: 101, wsn: 102 };
for (const scheme of ['ws', 'wsn']) {
  test(`publish over ${scheme}: OK count equals what the relay stores`, async () => {
    const data = await gen(300, seeds[scheme]);
    const file = join(dir, `events-${scheme}.jsonl`);
    writeFileSync(file, data.stdout);
    // The issue's own example command line.
    const r = await bench(['publish', uris[scheme], '--events', file, '--connections', '4', '--inflight', '50',
      '--pid', String(relay.proc.pid)]);
    assert.equal(r.workload, 'publish');
    assert.equal(r.sent, 300);
    assert.equal(r.ok, 300);
    assert.equal(r.rejected, 0);
    assert.equal(r.timeouts, 0);
    assert.equal(r.errors, 0);
    assert.ok(r.events_per_sec > 0 && r.p50_ms > 0 && r.p99_ms >= r.p50_ms, JSON.stringify(r));
    // The relay's CPU time over the run, from /proc (in 10 ms ticks: may be 0 for a short run).
    assert.ok(r.relay_cpu_ms >= 0, JSON.stringify(r));
    assert.ok(Math.abs(r.relay_cpu_us_per_op - r.relay_cpu_ms * 1000 / r.ok) < 0.01, JSON.stringify(r));
    // Each seed has its own authors: count what the relay holds from them.
    const authors = [...new Set(data.json().map((e) => e.pubkey))];
    const count = await runWsn(['count', uris[scheme], ...authors.flatMap((a) => ['--author', a])]);
    assert.equal(count.code, 0, count.stderr);
    assert.equal(count.json()[0].count, r.ok);
    // Publishing the same set again: every event is a duplicate, still OK true.
    const again = await bench(['publish', uris[scheme], '--events', file, '--connections', '2', '--inflight', '10']);
    assert.equal(again.ok, 300);
    assert.equal(again.duplicate, 300);
  });

  test(`handshake over ${scheme}`, async () => {
    const r = await bench(['handshake', uris[scheme], '--duration', '1', '--connections', '4']);
    assert.equal(r.workload, 'handshake');
    assert.ok(r.handshakes > 0, JSON.stringify(r));
    assert.equal(r.errors, 0, r.first_error);
    assert.ok(r.handshakes_per_sec > 0);
    const counted = await bench(['handshake', uris[scheme], '--count', '25', '--connections', '4']);
    assert.equal(counted.handshakes, 25);
  });

  test(`req over ${scheme}: the data set is published, then queried`, async () => {
    const r = await bench(['req', uris[scheme], '--dataset', '200', '--seed', String(seeds[scheme] + 10),
      '--duration', '1', '--connections', '2', '--inflight', '4']);
    assert.equal(r.workload, 'req');
    assert.equal(r.preloaded_ok, 200);
    assert.ok(r.queries > 0, JSON.stringify(r));
    assert.ok(r.events_received > 0);
    assert.deepEqual(r.closed_by, {});
    assert.equal(r.timeouts, 0);
    assert.equal(r.errors, 0, r.first_error);
    const counted = await bench(['req', uris[scheme], '--dataset', '50', '--seed', String(seeds[scheme] + 10), '--count', '40']);
    assert.equal(counted.queries, 40);
  });

  test(`fanout over ${scheme}: every subscriber gets every event`, async () => {
    const r = await bench(['fanout', uris[scheme], '--subscribers', '20', '--count', '30', '--rate', '0', '--duration', '5']);
    assert.equal(r.workload, 'fanout');
    assert.equal(r.subscribers, 20);
    assert.ok(r.authors > 0 && r.authors <= 31, JSON.stringify(r));
    assert.equal(r.accepted, 30);
    assert.equal(r.expected, 600);
    assert.equal(r.delivered, 600);
    assert.equal(r.missing, 0);
    assert.equal(r.duplicates, 0);
    assert.equal(r.complete, 1);
    assert.equal(r.errors, 0, r.first_error);
    assert.ok(r.p99_ms >= r.p50_ms);
  });

  test(`idle over ${scheme}: N connections held, the relay's memory read`, async () => {
    const r = await bench(['idle', uris[scheme], '--connections', '60', '--duration', '1', '--pid', String(relay.proc.pid)]);
    assert.equal(r.workload, 'idle');
    assert.equal(r.held, 60);
    assert.equal(r.errors, 0, r.first_error);
    assert.ok(r.rss_before_kib > 0 && r.rss_after_kib > 0, JSON.stringify(r));
    assert.equal(typeof r.rss_per_connection_bytes, 'number');
  });
}

test('fanout from a file: the first --count events and the end marker, to their authors', async () => {
  const file = join(dir, 'fanout.jsonl');
  writeFileSync(file, (await gen(40, 303)).stdout);
  const r = await bench(['fanout', uris.ws, '--events', file, '--subscribers', '5', '--count', '12', '--rate', '0']);
  assert.equal(r.published, 12);
  assert.equal(r.accepted, 12);
  assert.equal(r.delivered, 60);
  assert.equal(r.complete, 1);
  writeFileSync(join(dir, 'one.jsonl'), (await gen(1, 304)).stdout);
  const short = await runWsn(['bench', 'fanout', uris.ws, '--events', join(dir, 'one.jsonl')]);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /fanout needs at least 2 events/);
});

test('errors: a bad address is a usage error, an unreachable relay says why', async () => {
  const bad = await runWsn(['bench', 'publish', 'wsn://nobody@127.0.0.1:1', '--count', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /wsn: error: /);
  // Port 1: nothing listens there.
  const down = await runWsn(['bench', 'handshake', 'ws://127.0.0.1:1', '--duration', '1', '--timeout', '2']);
  assert.equal(down.code, 3);
  assert.match(down.stderr, /refused/);
  const missing = await runWsn(['bench', 'publish', uris.ws, '--events', join(dir, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot open/);
  const nopid = await runWsn(['bench', 'req', uris.ws, '--pid', '2147483000', '--count', '1']);
  assert.equal(nopid.code, 2);
  assert.match(nopid.stderr, /--pid: cannot read \/proc\/2147483000\/stat/);
});
