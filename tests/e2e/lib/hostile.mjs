// Helpers for the hostile-load tests: a data set loaded with `wsn import` before the
// relay starts, raw ws clients that may dial from another loopback address (each
// 127.0.0.x is its own "IP" to the relay's per-IP limits), and a victim that
// measures REQ -> EOSE latency while an attack runs. Every loop is bounded.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WSN_BIN, sleep } from './relay.mjs';

// `wsn bench gen` events (signed, deterministic): the JSONL text and the parsed events.
export function generate({ count, seed = 1, authors = 100 }) {
  const text = execFileSync(WSN_BIN, ['bench', 'gen', '--count', String(count), '--seed', String(seed),
    '--authors', String(authors)], { maxBuffer: 1 << 30 }).toString();
  return { text, events: text.split('\n').filter((l) => l).map((l) => JSON.parse(l)) };
}

// Loads JSONL text into a data folder (before the relay is started on it).
export function importInto(dataDir, jsonl) {
  const file = join(dataDir, 'seed.jsonl');
  writeFileSync(file, jsonl);
  execFileSync(WSN_BIN, ['import', '--data', dataDir, file], { stdio: 'ignore' });
}

// A raw ws client; `from` is the local address to dial from (default 127.0.0.1).
// Messages are kept in `msgs` unless `keep` is false; `onMessage` sees each parsed one.
// Fails if the connection is not open within `timeout` ms.
export async function rawClient(url, { from, keep = true, onMessage, timeout = 10000 } = {}) {
  const ws = new WebSocket(url, { localAddress: from, maxPayload: 64 << 20, handshakeTimeout: timeout });
  const c = { ws, msgs: [], closed: null };
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (keep) c.msgs.push(m);
    onMessage?.(m);
  });
  ws.on('close', (code, reason) => { c.closed = { code, reason: reason.toString() }; });
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  ws.on('error', () => {});
  c.send = (m) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); };
  c.close = () => ws.terminate();
  return c;
}

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// Sends `samples` REQs one after another (each closed after its EOSE) and returns the
// REQ -> EOSE latencies in ms. A REQ without EOSE within `timeout` ends the run, with
// `timeout` as its latency: the victim is stalled, and waiting on would only take time.
export async function victimLatencies(url, filter, { samples = 40, gap = 25, timeout = 3000, from } = {}) {
  let waiting = null;
  const c = await rawClient(url, {
    from, keep: false,
    onMessage: (m) => { if (m[0] === 'EOSE' && waiting && m[1] === waiting.sub) waiting.done(); },
  });
  const out = [];
  for (let i = 0; i < samples; i++) {
    const sub = `v${i}`;
    const t0 = performance.now();
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, timeout);
      waiting = { sub, done: () => { clearTimeout(timer); resolve(); } };
      c.send(['REQ', sub, filter]);
    });
    out.push(Math.min(performance.now() - t0, timeout));
    if (out.at(-1) >= timeout) break;
    c.send(['CLOSE', sub]);
    await sleep(gap);
  }
  c.close();
  return out;
}

// The relay's /metrics as { 'name{labels}': value }.
export async function metrics(relay) {
  const res = await fetch(`http://${relay.host}:${relay.port}/metrics`);
  const out = {};
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out[line.slice(0, i)] = Number(line.slice(i + 1));
  }
  return out;
}
