// The relay as an operator meets it: first start, restart, crash, floods, shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor, sleep } from './lib/relay.mjs';

const now = () => Math.floor(Date.now() / 1000);

function open(url) {
  const ws = new WebSocket(url);
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  ws.on('error', () => {});
  return new Promise((res, rej) => { ws.on('open', () => res({ ws, msgs })); ws.on('error', rej); });
}

test('first start generates the key (0600) and prints wsn:// addresses; a second start reuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-'));
  try {
    const r1 = await startRelay({ dataDir: dir });
    assert.match(r1.wsnUrl, /^wsn:\/\/npub1[02-9ac-hj-np-z]{58}@127\.0\.0\.1:\d+$/);
    assert.equal(statSync(join(dir, 'relay.key')).mode & 0o777, 0o600);
    assert.equal(await r1.stop('SIGTERM'), 0);  // clean shutdown
    const r2 = await startRelay({ dataDir: dir });
    assert.equal(r2.npub, r1.npub);
    assert.equal(await r2.stop('SIGINT'), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('crash safety: every event answered OK true survives SIGKILL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-'));
  const cfg = join(dir, 'wsn.toml');
  writeFileSync(cfg, '[rate_limits]\nevents_per_ip = { per_second = 0, burst = 0 }\nevents_per_pubkey = { per_second = 0, burst = 0 }\n');
  try {
    const r = await startRelay({ dataDir: dir, args: ['--config', cfg] });
    const acked = new Set();
    const clients = await Promise.all([0, 1, 2, 3].map(() => open(r.wsUrl)));
    let sent = 0;
    const keys = clients.map(() => generateSecretKey());
    const pump = setInterval(() => {
      clients.forEach(({ ws }, i) => {
        for (let k = 0; k < 20 && ws.readyState === WebSocket.OPEN; k++) {
          ws.send(JSON.stringify(['EVENT', finalizeEvent({ kind: 1, created_at: now(), tags: [], content: `crash ${sent++}` }, keys[i])]));
        }
      });
    }, 10);
    for (const { msgs } of clients) {
      const orig = msgs.push.bind(msgs);
      msgs.push = (m) => { if (m[0] === 'OK' && m[2] === true) acked.add(m[1]); return orig(m); };
    }
    await waitFor(() => acked.size >= 300, { timeout: 20000, what: '300 acknowledged events' });
    r.proc.kill('SIGKILL');
    clearInterval(pump);
    await new Promise((res) => r.proc.once('exit', res));
    clients.forEach(({ ws }) => ws.terminate());

    const r2 = await startRelay({ dataDir: dir, args: ['--config', cfg] });
    const { ws, msgs } = await open(r2.wsUrl);
    const ids = [...acked];
    for (let i = 0; i < ids.length; i += 500) ws.send(JSON.stringify(['REQ', `q${i}`, { ids: ids.slice(i, i + 500) }]));
    const subs = Math.ceil(ids.length / 500);
    await waitFor(() => msgs.filter((m) => m[0] === 'EOSE').length === subs, { what: 'EOSE' });
    const found = new Set(msgs.filter((m) => m[0] === 'EVENT').map((m) => m[2].id));
    const missing = ids.filter((id) => !found.has(id));
    assert.equal(missing.length, 0, `${missing.length} of ${ids.length} acknowledged events lost`);
    ws.close();
    await r2.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a flood over the rate limit gets rate-limited answers while others are served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-'));
  const cfg = join(dir, 'wsn.toml');
  writeFileSync(cfg, '[rate_limits]\nevents_per_ip = { per_second = 5, burst = 10 }\n');
  try {
    const r = await startRelay({ dataDir: dir, args: ['--config', cfg] });
    const { ws, msgs } = await open(r.wsUrl);
    const sk = generateSecretKey();
    for (let i = 0; i < 50; i++)
      ws.send(JSON.stringify(['EVENT', finalizeEvent({ kind: 1, created_at: now(), tags: [], content: `flood ${i}` }, sk)]));
    await waitFor(() => msgs.filter((m) => m[0] === 'OK').length === 50, { what: '50 OK answers' });
    const oks = msgs.filter((m) => m[0] === 'OK');
    const limited = oks.filter((m) => m[2] === false && m[3].startsWith('rate-limited:'));
    assert.ok(limited.length >= 30, `only ${limited.length} rate-limited`);
    assert.ok(oks.filter((m) => m[2] === true).length >= 10);
    // reads from another connection still work during the flood
    const other = await open(r.wsUrl);
    other.ws.send(JSON.stringify(['REQ', 'r', { kinds: [1], limit: 5 }]));
    await waitFor(() => other.msgs.some((m) => m[0] === 'EOSE'), { what: 'EOSE' });
    ws.close();
    other.ws.close();
    await r.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NIP-11 document on the same port, with self and the wsn addresses', async () => {
  const r = await startRelay();
  try {
    const res = await fetch(`http://127.0.0.1:${r.port}/`, { headers: { Accept: 'application/nostr+json' } });
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.self.length, 64);
    assert.ok(doc.supported_nips.includes(42));
    assert.ok(doc.supported_nips.includes(70));
    assert.ok(JSON.stringify(doc).includes(r.npub));
    const metrics = await (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
    assert.match(metrics, /wsn_connections/);
  } finally {
    await r.stop();
    r.cleanup();
  }
});

test('/metrics counts what happened: connections, messages, stored and duplicate events, write batches', async () => {
  const r = await startRelay();
  try {
    const { ws, msgs } = await open(r.wsUrl);
    const sk = generateSecretKey();
    const events = [1, 2, 3].map((i) => finalizeEvent({ kind: 1, created_at: now(), tags: [], content: `m${i}` }, sk));
    for (const e of events) ws.send(JSON.stringify(['EVENT', e]));
    await waitFor(() => msgs.filter((m) => m[0] === 'OK').length === 3, { what: 'three OKs' });
    ws.send(JSON.stringify(['EVENT', events[0]]));  // again: a duplicate
    await waitFor(() => msgs.filter((m) => m[0] === 'OK').length === 4, { what: 'the fourth OK' });
    const metrics = await (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
    const value = (name) => {
      const line = metrics.split('\n').find((l) => l.startsWith(name + ' '));
      assert.ok(line, `no ${name} in /metrics`);
      return Number(line.slice(name.length + 1));
    };
    assert.equal(value('wsn_connections{scheme="ws"}'), 1);
    assert.equal(value('wsn_messages_total{verb="EVENT"}'), 4);
    assert.equal(value('wsn_events_total{result="stored"}'), 3);
    assert.equal(value('wsn_events_total{result="duplicate"}'), 1);
    assert.equal(value('wsn_write_batch_events_sum'), 4);  // every event went through the writer
    assert.ok(value('wsn_write_batch_events_count') >= 1);
    assert.ok(value('wsn_write_batch_seconds_count') === value('wsn_write_batch_events_count'));
    ws.close();
  } finally {
    await r.stop();
    r.cleanup();
  }
});
