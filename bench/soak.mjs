// Soak: a relay with default limits under everything at once for several minutes —
// publishers, readers, slow readers that stop reading, and each flood of issue 13
// (unindexable COUNTs and REQs, bad signatures, idle connections, a reader of every long-form article) — and
// a victim that keeps asking small REQs. Prints the relay's memory high-water mark, the
// victim's REQ -> EOSE latency, and events lost (acknowledged OK true but not found after:
// must be 0). A benchmark, not a test: it prints numbers (docs/benchmarks.md).
//
//   node bench/soak.mjs [--wsn build/wsn] [--seconds 180] [--dataset 20000]
//
// Only loopback; every loop ends with the run. Each role dials from its own 127.0.0.x,
// since the relay's limits are per IP. Needs tests/e2e's npm packages (npm ci there).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WebSocket = createRequire(join(root, 'tests/e2e/package.json'))('ws');
const { values: opt } = parseArgs({
  options: { wsn: { type: 'string', default: join(root, 'build/wsn') }, seconds: { type: 'string', default: '180' },
    dataset: { type: 'string', default: '20000' } },
});
const WSN = resolve(opt.wsn);
const SECONDS = Number(opt.seconds);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function gen(count, seed, extra = []) {
  return execFileSync(WSN, ['bench', 'gen', '--count', String(count), '--seed', String(seed), ...extra],
    { maxBuffer: 1 << 30 }).toString().split('\n').filter(Boolean);
}

async function startRelay(dir) {
  const proc = spawn(WSN, ['relay', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.on('data', () => {});
  const line = await new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const l = out.split('\n').find((x) => x.startsWith('wsn://')); if (l) res(l); });
    proc.on('exit', (c) => rej(new Error(`relay exited ${c}`)));
  });
  const [, host, port] = line.match(/@(.+):(\d+)/);
  return { proc, url: `ws://${host}:${port}`, host, port: Number(port) };
}

// A ws client from `from`; onMessage sees each parsed message. Never throws after open.
async function client(url, from, onMessage = () => {}) {
  const ws = new WebSocket(url, { localAddress: from, maxPayload: 64 << 20 });
  ws.on('message', (d) => { try { onMessage(JSON.parse(d.toString()), ws); } catch {} });
  ws.on('error', () => {});
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  return ws;
}
const send = (ws, m) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); };

function rss(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(s.match(/VmRSS:\s+(\d+)/)[1]), hwm: Number(s.match(/VmHWM:\s+(\d+)/)[1]) };
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)] : NaN; };

const dir = mkdtempSync(join(tmpdir(), 'wsn-soak-'));
const stats = { acked: new Set(), published: 0, refused: 0, readerEvents: 0, slowClosed: 0, attackClosed: 0, victim: [], victimTimeouts: 0 };
let relay;
try {
  // The data set: the realistic mix (2% long-form, ~7.5 KB each: the big reader's).
  const seed = gen(Number(opt.dataset), 1);
  writeFileSync(join(dir, 'seed.jsonl'), seed.join('\n') + '\n');
  execFileSync(WSN, ['import', '--data', join(dir, 'data'), join(dir, 'seed.jsonl')], { stdio: 'ignore' });
  const toPublish = gen(Math.max(2000, SECONDS * 60), 2).map((l) => JSON.parse(l));
  const authors = [...new Set(seed.map((l) => JSON.parse(l).pubkey))];
  relay = await startRelay(dir);
  const until = Date.now() + SECONDS * 1000;
  const running = () => Date.now() < until;
  const mem = [];
  const sampler = setInterval(() => mem.push(rss(relay.proc.pid)), 1000);
  const roles = [];

  // Publishers: 4 connections, ~50 events/s together, each OK true remembered.
  for (let i = 0; i < 4; i++) roles.push((async () => {
    const ws = await client(relay.url, `127.0.0.${10 + i}`, (m) => {
      if (m[0] !== 'OK') return;
      if (m[2]) stats.acked.add(m[1]); else stats.refused++;
    });
    for (let n = i; running() && n < toPublish.length; n += 4) {
      send(ws, ['EVENT', toPublish[n]]);
      stats.published++;
      await sleep(80);
    }
    await sleep(1000);
    ws.close();
  })());
  // Readers: 4 connections reading feeds and recent notes as fast as they can.
  for (let i = 0; i < 4; i++) roles.push((async () => {
    let waiting;
    const ws = await client(relay.url, `127.0.0.${20 + i}`, (m) => {
      if (m[0] === 'EVENT') stats.readerEvents++;
      if ((m[0] === 'EOSE' || m[0] === 'CLOSED') && waiting) waiting();
    });
    for (let n = 0; running(); n++) {
      const f = n % 2 ? { kinds: [1], limit: 100 } : { authors: authors.slice(n % 50, n % 50 + 100), kinds: [1, 6], limit: 50 };
      await new Promise((res) => { waiting = res; send(ws, ['REQ', `r${n}`, f]); setTimeout(res, 5000); });
      send(ws, ['CLOSE', `r${n}`]);
    }
    ws.close();
  })());
  // Slow readers: ask for a lot, read nothing while live events flow (the relay may close them).
  for (let i = 0; i < 10; i++) roles.push((async () => {
    const ws = await client(relay.url, `127.0.0.${30 + i}`);
    ws.on('close', () => { if (running()) stats.slowClosed++; });
    send(ws, ['REQ', 'all', { limit: 500 }, { kinds: [1, 6, 7] }]);
    ws._socket.pause();
    while (running() && ws.readyState === WebSocket.OPEN) await sleep(500);
    ws.terminate();
  })());
  // Floods: unindexable COUNTs and REQs, bad signatures, idle connections, a reader of all long-form.
  const unindexable = { authors: authors.slice(0, 100), kinds: Array.from({ length: 41 }, (_, k) => k) };
  roles.push((async () => {
    const ws = await client(relay.url, '127.0.0.50', () => {});
    ws.on('close', () => { if (running()) stats.attackClosed++; });
    for (let n = 0; running(); n++) { send(ws, ['COUNT', `c${n}`, unindexable]); send(ws, ['REQ', `q${n}`, unindexable]); await sleep(50); }
    ws.terminate();
  })());
  roles.push((async () => {
    const ws = await client(relay.url, '127.0.0.51', () => {});
    ws.on('close', () => { if (running()) stats.attackClosed++; });
    const bad = toPublish.slice(0, 500).map((e) => ({ ...e, sig: e.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) }));
    for (let n = 0; running(); n++) { send(ws, ['EVENT', bad[n % bad.length]]); if (n % 100 === 0) await sleep(10); }
    ws.terminate();
  })());
  roles.push((async () => {
    const socks = [];
    for (let n = 0; running() && n < 500; n++) {
      const s = connect({ host: relay.host, port: relay.port, localAddress: '127.0.0.52' });
      s.on('error', () => {});
      socks.push(s);
      await sleep(5);
    }
    while (running()) await sleep(500);
    for (const s of socks) s.destroy();
  })());
  roles.push((async () => {
    while (running()) {
      let done;
      const ws = await client(relay.url, '127.0.0.53', (m) => { if (m[0] === 'EOSE' || m[0] === 'CLOSED') done?.(); });
      await new Promise((res) => { done = res; send(ws, ['REQ', 'big', { kinds: [30023], limit: 500 }]); setTimeout(res, 30000); });
      ws.close();
    }
  })());
  // The victim: one small REQ every 100 ms, its latency to EOSE.
  roles.push((async () => {
    let waiting;
    const ws = await client(relay.url, '127.0.0.60', (m) => { if (m[0] === 'EOSE') waiting?.(); });
    for (let n = 0; running(); n++) {
      const t0 = performance.now();
      const ok = await new Promise((res) => { waiting = () => res(true); send(ws, ['REQ', `v${n}`, { kinds: [0], limit: 10 }]); setTimeout(() => res(false), 5000); });
      if (ok) stats.victim.push(performance.now() - t0); else stats.victimTimeouts++;
      send(ws, ['CLOSE', `v${n}`]);
      await sleep(100);
    }
    ws.close();
  })());

  await Promise.allSettled(roles);
  clearInterval(sampler);
  const last = rss(relay.proc.pid);

  // Events lost: every acknowledged id asked for again, 200 at a time.
  const acked = [...stats.acked];
  let found = 0;
  const checker = await client(relay.url, '127.0.0.70', (m, ws) => { if (m[0] === 'EVENT') found++; if (m[0] === 'EOSE') ws.emit('eose'); });
  for (let i = 0; i < acked.length; i += 200) {
    await new Promise((res) => { checker.once('eose', res); send(checker, ['REQ', `k${i}`, { ids: acked.slice(i, i + 200) }]); });
    send(checker, ['CLOSE', `k${i}`]);
  }
  checker.close();

  const mb = (kb) => (kb / 1024).toFixed(0);
  console.log(`| seconds | published | OK true | lost | victim REQs | victim p50 ms | victim p99 ms | victim timeouts (5 s) | relay RSS high-water MB | RSS at end MB | slow readers closed | attack connections closed |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
  console.log(`| ${SECONDS} | ${stats.published} | ${acked.length} | ${acked.length - found} | ${stats.victim.length} | ${pct(stats.victim, 50).toFixed(1)} | ${pct(stats.victim, 99).toFixed(1)} | ${stats.victimTimeouts} | ${mb(last.hwm)} | ${mb(last.rss)} | ${stats.slowClosed}/10 | ${stats.attackClosed} |`);
  console.log(`reader events received: ${stats.readerEvents}; RSS samples (MB, every 30 s): ${mem.filter((_, i) => i % 30 === 0).map((m) => mb(m.rss)).join(' ')}`);
} finally {
  relay?.proc.kill('SIGTERM');
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
