// Finding 6 of issue 13: one host filled the descriptor table with idle connections and a
// fresh client could not connect until the handshake timeout freed slots. Now a cap per
// IP, a cap for everyone (lowered to the open-file limit, which the relay raises to its
// hard limit), and at the global cap the oldest unfinished handshake makes room.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, waitFor } from './lib/relay.mjs';
import { metrics, rawClient } from './lib/hostile.mjs';

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-caps-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

// An idle TCP connection from `from` that never sends a byte; resolves once connected,
// with `shut` set when the relay closes it.
function idle(relay, from) {
  return new Promise((resolve, reject) => {
    const s = connect({ host: relay.host, port: relay.port, localAddress: from });
    s.shut = false;
    s.on("close", () => { s.shut = true; });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

async function eose(relay, from) {
  const c = await rawClient(relay.wsUrl, { from, timeout: 5000 });
  c.send(['REQ', 'fresh', { limit: 1 }]);
  await waitFor(() => c.msgs.some((m) => m[0] === 'EOSE'), { what: `EOSE for a fresh client from ${from}`, timeout: 5000 });
  c.close();
}

async function withRelay(name, config, opts, body) {
  const cfg = join(dir, `${name}.toml`);
  writeFileSync(cfg, config);
  const relay = await startRelay({ dataDir: join(dir, name), args: ['--config', cfg], ...opts });
  const sockets = [];
  try {
    await body(relay, sockets);
  } finally {
    for (const s of sockets) s.destroy();
    await relay.stop();
  }
}

test('idle connections from one IP are capped; a client from elsewhere still connects', async () => {
  await withRelay('per-ip', '[limits]\nmax_connections_per_ip = 20\nhandshake_timeout = 60\n', {}, async (relay, sockets) => {
    for (let i = 0; i < 30; i++) sockets.push(await idle(relay, '127.0.0.5'));
    await waitFor(() => sockets.filter((s) => s.shut).length === 10, { what: 'the 10 over the cap closed' });
    assert.deepEqual(sockets.slice(0, 20).map((s) => s.shut), Array(20).fill(false));
    await eose(relay, '127.0.0.6');
    const m = await metrics(relay);
    assert.equal(m['wsn_connections_refused_total{limit="max_connections_per_ip"}'], 10);
  });
});

test('at the global cap the oldest unfinished handshake makes room for a new client', async () => {
  await withRelay('total', '[limits]\nmax_connections = 40\nmax_connections_per_ip = 0\nhandshake_timeout = 60\n', {},
    async (relay, sockets) => {
      for (let i = 0; i < 40; i++) sockets.push(await idle(relay, `127.0.1.${1 + (i % 200)}`));
      await eose(relay, '127.0.0.7');  // sheds the oldest idle one, then completes its handshake
      await waitFor(() => sockets[0].shut, { what: 'the oldest idle connection shed' });
      const m = await metrics(relay);
      assert.ok(m['wsn_handshakes_shed_total'] >= 1, JSON.stringify(m));
      assert.match(relay.stderr, /connections: at most 40 /);
    });
});

test('the relay raises its open-file limit and fits its connection cap under it', async () => {
  await withRelay('nofile', '', { softNofile: 256 }, async (relay) => {
    const limits = readFileSync(`/proc/${relay.proc.pid}/limits`, 'utf8');
    const [, soft, hard] = limits.match(/Max open files\s+(\S+)\s+(\S+)/);
    assert.equal(soft, hard, limits);
    // The default cap (10,000) is kept, or lowered to the hard limit less 128.
    const cap = Number(relay.stderr.match(/connections: at most (\d+) /)[1]);
    assert.equal(cap, Math.min(10000, (hard === 'unlimited' ? Infinity : Number(hard)) - 128));
  });
});
