// Finding 4 of issue 13: 100,000 bad-signature EVENTs in 1.8 s were all verified and none
// rate-limited; a victim on the same verifier waited up to 6.5 s, memory grew by 53 MB,
// and the backlog was still worked through after the attacker left. Now the cheap checks
// and the per-IP limit come before the signature, a connection's messages not yet
// handled are bounded (limits.max_input_kib_per_connection: past it the relay stops
// reading it, TCP slows the sender), and a closed connection's queued messages are
// dropped. The attacker here writes its whole flood into the socket at once (pre-framed
// WebSocket frames), as fast as loopback takes it, and leaves with a reset. One verifier
// thread, so the victim's messages queue behind the attacker's. Figures are printed (the
// ones docs/relay.md quotes) and asserted under generous bounds: the machine is shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, sleep, waitFor } from './lib/relay.mjs';
import { generate, importInto, metrics, percentile, victimLatencies } from './lib/hostile.mjs';

const FLOOD = 100000;
const P99_BOUND_MS = 500;
const RSS_GROWTH_BOUND_MB = 20;
let dir, relay;
const relays = {};

// Two relays with one verifier thread each: the default rate limits, and none (as behind
// a proxy whose clients share one address, or with limits set high): then every bad
// signature is verified (40 µs here) and only the input bound keeps the flood in check.
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-input-'));
  const events = generate({ count: 5000, seed: 2 }).text;
  for (const [name, extra] of [['limited', ''],
    ['unlimited', '[rate_limits]\nevents_per_ip = { per_second = 0, burst = 0 }\nevents_per_pubkey = { per_second = 0, burst = 0 }\n']]) {
    const data = join(dir, name);
    mkdirSync(data);
    importInto(data, events);
    const cfg = join(dir, `${name}.toml`);
    writeFileSync(cfg, '[threads]\nverifiers = 1\n' + extra);
    relays[name] = await startRelay({ dataDir: data, args: ['--config', cfg] });
  }
});

after(async () => {
  for (const r of Object.values(relays)) await r?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function procStatus(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))[1]);
  return { hwm: kib('VmHWM'), rss: kib('VmRSS') };
}
// utime + stime of the process, in clock ticks (1/100 s here).
function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

// One masked client text frame (the mask is zero, so the payload goes as it is).
function frame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, 0x80 | n])
    : Buffer.from([0x81, 0x80 | 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

// `count` EVENTs with valid ids and broken signatures, framed into one buffer.
function badSignatureFlood(count) {
  const events = generate({ count: 1000, seed: 7 }).events;
  const frames = events.map((e) => {
    const last = e.sig.at(-1) === '0' ? '1' : '0';
    return frame(JSON.stringify(['EVENT', { ...e, sig: e.sig.slice(0, -1) + last }]));
  });
  const out = [];
  for (let i = 0; i < count; i++) out.push(frames[i % frames.length]);
  return Buffer.concat(out);
}

// A raw WebSocket client from `from` that writes `flood` at once and reads nothing back
// (so the relay's answers cannot slow the flood down: its writes to us just stall).
async function attacker(from, flood) {
  const sock = net.connect({ host: relay.host, port: relay.port, localAddress: from });
  await new Promise((res, rej) => { sock.once('connect', res); sock.once('error', rej); });
  sock.on('error', () => {});
  let head = '';
  const upgraded = new Promise((resolve) => {
    const onData = (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      sock.off('data', onData);
      sock.pause();
      resolve(head);
    };
    sock.on('data', onData);
  });
  sock.write(`GET / HTTP/1.1\r\nHost: ${relay.host}:${relay.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  assert.match(await upgraded, /^HTTP\/1\.1 101/);
  sock.write(flood);
  return sock;
}

const EVENTS = 'wsn_messages_total{verb="EVENT"}';
const LIMITED = 'wsn_rate_limited_total{limit="events_per_ip"}';
const flood = badSignatureFlood(FLOOD);

test('100,000 bad signatures from one IP: rate-limited, memory bounded, the victim fast, no backlog after', async () => {
  relay = relays.limited;
  await floodAndCheck({ rateLimited: true });
});

// Fails before the input bound: the I/O thread read the whole flood into the verifier's
// inbox (RSS +100 MB), the victim waited behind all of it, and it was verified to the end
// after the attacker had gone.
test('100,000 bad signatures, no rate limit: the input bound keeps memory flat and the victim fast, the backlog is dropped', async () => {
  relay = relays.unlimited;
  await floodAndCheck({ rateLimited: false });
});

async function floodAndCheck({ rateLimited }) {
  const pid = relay.proc.pid;
  const m0 = await metrics(relay);
  const handled = async () => (await metrics(relay))[EVENTS] - (m0[EVENTS] ?? 0);
  const before0 = procStatus(pid);
  const t0 = performance.now();
  const sock = await attacker('127.0.0.2', flood);
  await waitFor(async () => (await handled()) >= 2000, { timeout: 20000, every: 10, what: 'the flood under way' });
  // Meanwhile the attacker leaves with a reset, mid-flood, once 20,000 are handled.
  let atLeave, tLeave;
  const leave = (async () => {
    await waitFor(async () => (atLeave = await handled()) >= 20000, { timeout: 60000, every: 10, what: '20,000 handled' });
    tLeave = performance.now();
    sock.resetAndDestroy();
  })();
  const lat = await victimLatencies(relay.wsUrl, { kinds: [1], limit: 10 },
    { samples: 40, gap: 5, timeout: 5000, from: '127.0.0.3' });
  const p50 = percentile(lat, 50), p99 = percentile(lat, 99);
  await leave;
  await sleep(Math.max(0, tLeave + 1000 - performance.now()));
  const ticks1 = cpuTicks(pid);
  await sleep(1000);
  const idleTicks = cpuTicks(pid) - ticks1;
  const m1 = await metrics(relay);
  const st = procStatus(pid);

  const received = m1[EVENTS] - (m0[EVENTS] ?? 0);
  const limited = m1[LIMITED] - (m0[LIMITED] ?? 0);
  const afterLeave = received - atLeave;
  const growthMb = (st.hwm - before0.rss) / 1024;
  console.log(`input flood (${rateLimited ? 'rate limits' : 'no rate limit'}): ${FLOOD} frames written; ${atLeave} handled in ${((tLeave - t0) / 1000).toFixed(2)} s `
    + `when the attacker left, ${afterLeave} after; ${limited} of ${received} rate-limited; `
    + `input pauses ${(m1.wsn_input_pauses_total ?? 0) - (m0.wsn_input_pauses_total ?? 0)}; `
    + `RSS ${(before0.rss / 1024).toFixed(1)} MB -> high-water ${(st.hwm / 1024).toFixed(1)} MB (+${growthMb.toFixed(1)} MB); `
    + `relay CPU 1-2 s after leaving ${idleTicks * 10} ms; victim REQ -> EOSE p50 ${p50.toFixed(1)} ms, `
    + `p99 ${p99.toFixed(1)} ms (${lat.length} samples)`);

  if (rateLimited) assert.ok(limited > 0.9 * received, `${limited} of ${received} EVENTs rate-limited`);
  assert.equal(lat.length, 40, 'every victim REQ answered');
  assert.ok(p99 < P99_BOUND_MS, `victim p99 ${p99.toFixed(1)} ms`);
  assert.ok(growthMb < RSS_GROWTH_BOUND_MB, `RSS grew by ${growthMb.toFixed(1)} MB`);
  // What was queued when the attacker left is dropped, not worked through.
  assert.ok(afterLeave < 10000, `${afterLeave} EVENTs handled after the attacker left`);
  assert.ok(idleTicks <= 10, `relay CPU ${idleTicks * 10} ms in the second second after the attacker left`);
}
