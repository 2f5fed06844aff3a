// `wsn sync` (issue 16): two relays with overlapping sets reach the same set over wsn, ws and
// wsns; a local store synced with a relay both ways; a sync through `wsn gateway`; limits
// answered with NEG-ERR and a reason; bad input is a clear error and a non-zero exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRelay, waitFor, WSN_BIN } from './lib/relay.mjs';
import { runWsn, startWsn, tempDir, makeCert } from './tools_lib.mjs';

// 25,000 events: relay A lacks those with i % 10 == 1, relay B those with i % 10 == 2, so
// each holds 22,500 and they differ by 5,000.
const TOTAL = 25000;
const BASE = 1790000000;  // event i has created_at BASE + i (wsn bench gen --base-time)

let dir, cert, key, events, lines, relayA, relayB, unlimited;

const onlyA = (i) => i % 10 === 2;  // what B lacks
const onlyB = (i) => i % 10 === 1;  // what A lacks

async function seededRelay(name, keep) {
  const data = join(dir, name);
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, lines.filter((_, i) => keep(i)).join('\n') + '\n');
  const imp = await runWsn(['import', file, '--data', data, '--no-verify'], { timeout: 120000 });
  assert.equal(imp.code, 0, imp.stderr);
  const relay = await startRelay({ dataDir: data, args: ['--config', unlimited, '--listen-tls', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key] });
  await waitFor(() => /^wsns:\/\//m.test(relay.stdout), { what: 'the wsns:// address' });
  relay.wsnsUrl = relay.stdout.split('\n').find((l) => l.startsWith('wsns://'));
  return relay;
}

const exportedIds = (data) =>
  execFileSync(WSN_BIN, ['export', '--data', data], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().split('\n').filter((l) => l).map((l) => JSON.parse(l).id).sort();

// A store in dir/name holding events [from, to).
async function imported(name, from, to) {
  const data = join(dir, name);
  const r = await runWsn(['import', '-', '--data', data, '--no-verify'], { input: lines.slice(from, to).join('\n') + '\n' });
  assert.equal(r.code, 0, r.stderr);
  return data;
}

const window = (from, to) => JSON.stringify({ since: BASE + from, until: BASE + to - 1 });
const countIn = (from, to, pred) => events.slice(from, to).filter((_, k) => pred(from + k)).length;

before(async () => {
  dir = tempDir();
  ({ cert, key } = makeCert(dir));
  // Relays taking 5,000 events from one address at once (the default lets 20 a second in).
  unlimited = join(dir, 'unlimited.toml');
  writeFileSync(unlimited, '[rate_limits]\nevents_per_ip = { per_second = 0 }\nevents_per_pubkey = { per_second = 0 }\n');
  const t0 = Date.now();
  const gen = await runWsn(['bench', 'gen', '--count', String(TOTAL), '--seed', '16', '--authors', '200',
    '--base-time', String(BASE)], { timeout: 120000 });
  assert.equal(gen.code, 0, gen.stderr);
  lines = gen.lines;
  events = lines.map((l) => JSON.parse(l));
  relayA = await seededRelay('a', (i) => !onlyB(i));
  relayB = await seededRelay('b', (i) => !onlyA(i));
  console.log(`seeded two relays of ${TOTAL * 0.9} events in ${Date.now() - t0} ms`);
});
after(async () => {
  await relayA?.stop();
  await relayB?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('two relays reach the same set with --dir both, over wsn, ws and wsns (a third of the time range each)', async () => {
  const thirds = [[0, 8334, 'wsnUrl'], [8334, 16667, 'wsUrl'], [16667, TOTAL, 'wsnsUrl']];
  for (const [from, to, scheme] of thirds) {
    const t0 = Date.now();
    const r = await runWsn(['sync', relayA[scheme], '--relay', relayB[scheme], '--dir', 'both',
      '--filter', window(from, to), '--json'], { timeout: 120000 });
    assert.equal(r.code, 0, r.stderr);
    const s = r.json()[0];
    // have: at the --relay side only (B), need: at URI only (A)
    assert.equal(s.have, countIn(from, to, onlyB), scheme);
    assert.equal(s.need, countIn(from, to, onlyA), scheme);
    assert.equal(s.transferred, s.have + s.need);
    assert.equal(s.refused, 0);
    assert.ok(s.seconds > 0 && s.seconds < 120);
    console.log(`${scheme}: ${s.have + s.need} events moved in ${Date.now() - t0} ms`);
  }
  const again = await runWsn(['sync', relayA.wsnUrl, '--relay', relayB.wsnUrl, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual({ ...again.json()[0], seconds: 0 }, { have: 0, need: 0, transferred: 0, refused: 0, seconds: 0 });
  const a = exportedIds(relayA.dir), b = exportedIds(relayB.dir);
  assert.equal(a.length, TOTAL);
  assert.deepEqual(a, b);
  assert.deepEqual(a, events.map((e) => e.id).sort());
});

test('a local store and a relay: down fetches what the relay has, up publishes what it lacks', async () => {
  // The relay holds events 0..300, the store 200..500.
  const relay = await startRelay({ dataDir: await imported('relay-300', 0, 300) });
  const local = await imported('local', 200, 500);
  try {
    const down = await runWsn(['sync', relay.wsnUrl, '--data', local, '--dir', 'down', '--json']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual({ ...down.json()[0], seconds: 0 }, { have: 200, need: 200, transferred: 200, refused: 0, seconds: 0 });
    assert.match(down.stderr, /fetched 200 \(stored 200, refused 0\), published 0/);
    const up = await runWsn(['sync', relay.wsnUrl, '--data', local, '--dir', 'up', '--json']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual({ ...up.json()[0], seconds: 0 }, { have: 200, need: 0, transferred: 200, refused: 0, seconds: 0 });
    const want = events.slice(0, 500).map((e) => e.id).sort();
    assert.deepEqual(exportedIds(local), want);
    const q = await runWsn(['req', relay.wsUrl, '--limit', '500']);
    assert.deepEqual(q.json().map((e) => e.id).sort(), want);
  } finally {
    await relay.stop();
  }
});

test('a relay reached through `wsn gateway` syncs with a local store', async () => {
  const upstream = await startRelay({ dataDir: await imported('upstream', 0, 40) });
  const gw = await startWsn(['gateway', '--upstream', upstream.wsUrl, '--data', join(dir, 'gw'), '--listen', '127.0.0.1:0']);
  const local = await imported('via-gw', 30, 70);
  try {
    const r = await runWsn(['sync', gw.lines[0], '--data', local, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual({ ...r.json()[0], seconds: 0 }, { have: 30, need: 30, transferred: 60, refused: 0, seconds: 0 });
    const q = await runWsn(['req', upstream.wsUrl, '--limit', '500']);
    assert.equal(q.json().length, 70);
    assert.equal(exportedIds(local).length, 70);
  } finally {
    await gw.stop();
    await upstream.stop();
  }
});

test('limits answered with NEG-ERR name the reason; bad input and unreachable relays are clear errors', async () => {
  const cfg = join(dir, 'small.toml');
  writeFileSync(cfg, '[sync]\nmax_records = 1000\n');
  const data = await imported('limited', 0, 1500);
  const relay = await startRelay({ dataDir: data, args: ['--config', cfg] });
  const local = join(dir, 'limits');
  try {
    const big = await runWsn(['sync', relay.wsUrl, '--data', local]);
    assert.equal(big.code, 1);
    assert.match(big.stderr, /the relay refused the sync: blocked: this sync would cover more than 1000 events; narrow the filter/);
    const narrowed = await runWsn(['sync', relay.wsUrl, '--data', local, '--json', '--filter', window(0, 800)]);
    assert.equal(narrowed.code, 0, narrowed.stderr);
    assert.deepEqual({ ...narrowed.json()[0], seconds: 0 }, { have: 0, need: 800, transferred: 800, refused: 0, seconds: 0 });

    const badFilter = await runWsn(['sync', relay.wsUrl, '--data', local, '--filter', '{"kinds":"one"}']);
    assert.equal(badFilter.code, 2);
    assert.match(badFilter.stderr, /--filter: bad filter: invalid:/);
    const limited = await runWsn(['sync', relay.wsUrl, '--data', local, '--filter', '{"limit":5}']);
    assert.equal(limited.code, 2);
    assert.match(limited.stderr, /drop "limit"/);
    const badDir = await runWsn(['sync', relay.wsUrl, '--data', local, '--dir', 'sideways']);
    assert.equal(badDir.code, 2);
    assert.match(badDir.stderr, /--dir must be down, up or both/);
    const both = await runWsn(['sync', relay.wsUrl, '--data', local, '--relay', relayA.wsUrl]);
    assert.equal(both.code, 2);
    const gone = await runWsn(['sync', 'ws://127.0.0.1:1', '--data', local]);
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /connection refused/);
  } finally {
    await relay.stop();
  }
});
