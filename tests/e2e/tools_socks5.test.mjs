// --socks5: the client commands and the proxy reach a relay through a SOCKS5 proxy (as
// through Tor), with the target name handed to the proxy, not resolved locally.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay } from './lib/relay.mjs';
import { runWsn, startWsn } from './tools_lib.mjs';

useWebSocketImplementation(WebSocket);

// A minimal SOCKS5 server (RFC 1928: no authentication, CONNECT). Names are mapped by
// `names` (as Tor maps .onion names), so a name the local resolver cannot know works.
function startSocks5(names) {
  const seen = [];
  const server = net.createServer((c) => {
    c.once('data', (hello) => {
      if (hello[0] !== 5) return c.destroy();
      c.write(Buffer.from([5, 0]));
      c.once('data', (req) => {
        let host, off;
        if (req[3] === 1) { host = [...req.subarray(4, 8)].join('.'); off = 8; }
        else if (req[3] === 3) { host = req.subarray(5, 5 + req[4]).toString(); off = 5 + req[4]; }
        else return c.destroy();
        const port = req.readUInt16BE(off);
        seen.push(`${host}:${port}`);
        const up = net.connect(port, names[host] ?? host, () => {
          c.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          c.pipe(up);
          up.pipe(c);
        });
        up.on('error', () => { c.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])); });
        c.on('error', () => up.destroy());
      });
    });
    c.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, seen, addr: `127.0.0.1:${server.address().port}`,
  })));
}

let relay, socks, hidden;
before(async () => {
  relay = await startRelay();
  socks = await startSocks5({ 'relay.invalid': '127.0.0.1' });
  // the same relay under a name only the SOCKS5 proxy knows
  hidden = relay.wsnUrl.replace('127.0.0.1', 'relay.invalid');
});
after(async () => {
  socks.server.close();
  await relay.stop();
  relay.cleanup();
});

test('wsn event, req and info through SOCKS5, the name resolved by the proxy', async () => {
  const sk = generateSecretKey();
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'via socks' }, sk);
  const pub = await runWsn(['event', hidden, '--socks5', socks.addr], { input: JSON.stringify(e) });
  assert.equal(pub.code, 0, pub.stderr);
  const got = await runWsn(['req', hidden, '--socks5', socks.addr, '--id', e.id]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.json()[0].content, 'via socks');
  const info = await runWsn(['info', hidden, '--socks5', socks.addr]);
  assert.equal(info.code, 0, info.stderr);
  assert.ok(socks.seen.every((s) => s === `relay.invalid:${relay.port}`));
  assert.equal(socks.seen.length, 3);
  // without the proxy the name does not resolve
  const direct = await runWsn(['req', hidden, '--timeout', '5']);
  assert.equal(direct.code, 3);
});

test('wsn proxy --socks5: an app reaches the relay through SOCKS5', async () => {
  const before = socks.seen.length;
  const p = await startWsn(['proxy', '--listen', '127.0.0.1:0', '--upstream', hidden, '--socks5', socks.addr],
    { pattern: /^ws:\/\// });
  try {
    const r = await Relay.connect(p.lines[0]);
    const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'x' },
      generateSecretKey());
    assert.equal(await r.publish(e), '');
    r.close();
    assert.equal(socks.seen.length, before + 1);
  } finally {
    assert.equal(await p.stop(), 0);
  }
});

test('a SOCKS5 proxy that is not there: exit 3 naming it', async () => {
  const r = await runWsn(['req', hidden, '--socks5', '127.0.0.1:1']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /SOCKS5 proxy 127\.0\.0\.1:1/);
});
