// relay.real_ip_header behind a real nginx: the client's address is the hop nginx
// appended (never one the client wrote), only from relay.trusted_proxies, IPv4 and
// IPv6; the per-IP rate limit and the log use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { startNginx } from './lib/nginx.mjs';

let relay, nginx4, nginx6, confDir;
before(async () => {
  confDir = mkdtempSync(join(tmpdir(), 'wsn-realip-'));
  const conf = join(confDir, 'wsn.toml');
  writeFileSync(conf, `[relay]
real_ip_header = "X-Forwarded-For"
trusted_proxies = ["127.0.0.1", "::1"]
[rate_limits]
events_per_ip = { per_second = 0.001, burst = 2 }
`);
  relay = await startRelay({ args: ['--config', conf] });
  nginx4 = await startNginx({ upstream: `127.0.0.1:${relay.port}` });
  nginx6 = await startNginx({ upstream: `127.0.0.1:${relay.port}`, listen: '[::1]' });
});
after(async () => {
  await nginx4?.stop();
  await nginx6?.stop();
  await relay?.stop();
  relay?.cleanup();
  rmSync(confDir, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);

// A connection from localAddress, optionally writing its own X-Forwarded-For.
async function connect(url, { from, spoof } = {}) {
  const ws = new WebSocket(url, { localAddress: from, headers: spoof ? { 'X-Forwarded-For': spoof } : {} });
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  const publish = async () => {
    const e = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: `${Math.random()}` }, generateSecretKey());
    ws.send(JSON.stringify(['EVENT', e]));
    await waitFor(() => msgs.some((m) => m[0] === 'OK' && m[1] === e.id), { what: 'OK' });
    return msgs.find((m) => m[0] === 'OK' && m[1] === e.id);
  };
  return { ws, publish };
}

const logs = () => relay.stderr + relay.stdout;

test('through nginx, each client is limited by its own address, not the proxy\'s or a spoofed one', async () => {
  const a = await connect(nginx4.url, { from: '127.0.0.2', spoof: '203.0.113.50' });
  assert.equal((await a.publish())[2], true);
  assert.equal((await a.publish())[2], true);
  const third = await a.publish();
  assert.equal(third[2], false);
  assert.match(third[3], /^rate-limited: too many events from your address/);
  await waitFor(() => /for 127\.0\.0\.2\b/.test(logs()), { what: 'log naming 127.0.0.2' });
  assert.doesNotMatch(logs(), /203\.0\.113\.50/, 'the hop the client wrote is never used');

  // Another client behind the same proxy has a bucket of its own.
  const b = await connect(nginx4.url, { from: '127.0.0.3' });
  assert.equal((await b.publish())[2], true);
  // Writing the other client's address does not borrow its bucket.
  const c = await connect(nginx4.url, { from: '127.0.0.2', spoof: '127.0.0.3' });
  assert.equal((await c.publish())[2], false);
  for (const x of [a, b, c]) x.ws.close();
});

test('over IPv6 the hop is the IPv6 address', async () => {
  const d = await connect(nginx6.url);
  assert.equal((await d.publish())[2], true);
  await waitFor(() => /for ::1\b/.test(logs()), { what: 'log naming ::1' });
  d.ws.close();
});

test('a client that is no trusted proxy cannot name its address', async () => {
  const e = await connect(relay.wsUrl, { from: '127.0.0.4', spoof: '198.51.100.9' });
  assert.equal((await e.publish())[2], true);
  await waitFor(() => /127\.0\.0\.4:\d+ for 127\.0\.0\.4/.test(logs()), { what: 'log naming 127.0.0.4' });
  assert.doesNotMatch(logs(), /198\.51\.100\.9/);
  e.ws.close();
});
