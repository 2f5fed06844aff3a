// One stored form per event: however a client spells an event (pretty-printed, CRLF, tabs,
// keys in any order, \u and \/ escapes), the relay stores, serves (REQ and live) and exports
// its compact NIP-01 JSON, so `wsn export | wsn import` restores a database byte for byte;
// and `wsn import --config` takes what the relay took under the same config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { runWsn, tempDir } from './tools_lib.mjs';
import { startRelay, waitFor } from './lib/relay.mjs';

// The compact form by node's own serializer: NIP-01 key order and JSON.stringify's escapes
// (\" \\ \n \r \t \b \f, other C0 controls as \u00xx, everything else verbatim UTF-8).
const compact = (e) => JSON.stringify({
  id: e.id, pubkey: e.pubkey, created_at: e.created_at, kind: e.kind, tags: e.tags, content: e.content, sig: e.sig,
});

// Every escape and every kind of character NIP-01's serialization has a rule for.
const hard = 'pretty\nCRLF\r\ntab\tquote"backslash\\ bs\b ff\f nul\u0000 c0\u0001\u001f del\u007f '
  + 'slash/ literal-backslash-slash\\/ é日本語 astral😀🫡 zwj👨‍👩‍👧 ls\u2028 ps\u2029 nbsp\u00a0 bom\ufeff <>&';

// Ways to write ["EVENT", e] that all mean the same event.
const spellings = [
  (e) => JSON.stringify(['EVENT', e], null, 2),
  (e) => JSON.stringify(['EVENT', e], null, 2).replaceAll('\n', '\r\n'),
  (e) => JSON.stringify(['EVENT', Object.fromEntries(Object.entries(e).reverse())], null, '\t'),
  // every non-ASCII character as \uXXXX (surrogate pairs, upper-case hex), '/' as '\/', 'a' as \u0061
  (e) => JSON.stringify(['EVENT', e])
    .replace(/[^\x00-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'))
    .replaceAll('/', '\\/').replaceAll('a', '\\u0061'),
  (e) => ` [ "EVENT" ,\n\n ${JSON.stringify(e, null, 1)} \r\n]\n`,
];

// A raw ws client that keeps every frame's text as received.
async function client(url) {
  const ws = new WebSocket(url);
  const c = { ws, frames: [] };
  ws.on('message', (d) => c.frames.push(d.toString()));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  c.msgs = () => c.frames.map((f) => JSON.parse(f));
  c.wait = (pred, what) => waitFor(() => c.msgs().some(pred), { what });
  c.eventFrames = (sub) => c.frames.filter((f) => { const m = JSON.parse(f); return m[0] === 'EVENT' && m[1] === sub; });
  return c;
}

// Every one of `got` is one of `want` (the start of each stray one is shown), and none is missing.
function assertSameSet(got, want, what) {
  const stray = got.filter((g) => !want.includes(g)).map((g) => g.slice(0, 60) + '...');
  assert.deepEqual(stray, [], `${what}: ${stray.length} of ${got.length} not in the compact form`);
  assert.equal(new Set(got).size, want.length, `${what}: ${want.length} expected`);
}

test('events sent in any spelling are stored, served and exported compact; export | import is byte-identical', async () => {
  const relay = await startRelay();
  const restored = tempDir();
  try {
    const sk = generateSecretKey();
    const pk = getPublicKey(sk);
    const t = Math.floor(Date.now() / 1000) - 100;
    const events = [];
    for (let i = 0; i < 10; i++) {
      // pairs share a created_at, so the export's order of ties is tested too
      const tags = [['t', `tag\t${i}\n"q"\\`], ['x', '😀/\u0000\u001f'], ['e', '0'.repeat(64), '', 'reply']];
      events.push(finalizeEvent({ kind: 1, created_at: t - Math.floor(i / 2), tags, content: `${i} ${hard}` }, sk));
    }
    const reader = await client(relay.wsUrl);
    reader.ws.send(JSON.stringify(['REQ', 'live', { authors: [pk] }]));
    await reader.wait((m) => m[0] === 'EOSE' && m[1] === 'live', 'EOSE live');
    const writer = await client(relay.wsUrl);
    events.forEach((e, i) => writer.ws.send(spellings[i % spellings.length](e)));
    for (const e of events) {
      await writer.wait((m) => m[0] === 'OK' && m[1] === e.id, `OK ${e.id}`);
      const ok = writer.msgs().find((m) => m[0] === 'OK' && m[1] === e.id);
      assert.equal(ok[2], true, ok[3]);
    }
    await waitFor(() => reader.eventFrames('live').length === events.length, { what: 'live events' });
    assertSameSet(reader.eventFrames('live'), events.map((e) => `["EVENT","live",${compact(e)}]`), 'live fan-out');

    reader.ws.send(JSON.stringify(['REQ', 'stored', { authors: [pk] }]));
    await reader.wait((m) => m[0] === 'EOSE' && m[1] === 'stored', 'EOSE stored');
    assertSameSet(reader.eventFrames('stored'), events.map((e) => `["EVENT","stored",${compact(e)}]`), 'REQ answers');
    reader.ws.close();
    writer.ws.close();
    assert.equal(await relay.stop(), 0);

    const backup = await runWsn(['export', '--data', relay.dir]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(backup.lines.length, events.length, 'one line per event');
    assertSameSet(backup.lines, events.map(compact), 'export');

    const imp = await runWsn(['import', '-', '--data', restored], { input: backup.stdout });
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stderr, new RegExp(`${events.length} stored, 0 duplicate, 0 invalid`));
    const again = await runWsn(['export', '--data', restored]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, backup.stdout, 'the restored database exports the same bytes');
  } finally {
    await relay.stop();
    relay.cleanup();
    rmSync(restored, { recursive: true, force: true });
  }
});

test('wsn import --config applies the relay\'s own limits and rules, the defaults without it', async () => {
  const dir = tempDir();
  const cfg = join(dir, 'wsn.toml');
  writeFileSync(cfg, '[limits]\nmax_message_bytes = 1000000\nmax_event_bytes = 500000\nmax_content_bytes = 400000\n[policy]\ndeny_kinds = [7]\n');
  const relay = await startRelay({ args: ['--config', cfg] });
  try {
    const sk = generateSecretKey();
    const t = Math.floor(Date.now() / 1000) - 10;
    const big = finalizeEvent({ kind: 1, created_at: t, tags: [], content: 'x'.repeat(300000) }, sk);
    const c = await client(relay.wsUrl);
    c.ws.send(JSON.stringify(['EVENT', big]));
    await c.wait((m) => m[0] === 'OK' && m[1] === big.id, 'OK');
    assert.equal(c.msgs().find((m) => m[0] === 'OK')[2], true, 'the relay takes 300 kB of content under its config');
    c.ws.close();
    assert.equal(await relay.stop(), 0);
    const backup = await runWsn(['export', '--data', relay.dir]);
    assert.equal(backup.lines.length, 1);
    const reaction = finalizeEvent({ kind: 7, created_at: t, tags: [], content: '+' }, sk);
    const input = backup.stdout + JSON.stringify(reaction) + '\n';

    const withConfig = await runWsn(['import', '-', '--data', join(dir, 'a'), '--config', cfg], { input });
    assert.equal(withConfig.code, 0, withConfig.stderr);
    assert.match(withConfig.stderr, /line 2: blocked: kind 7 not allowed on this relay/);
    assert.match(withConfig.stderr, /1 stored, 0 duplicate, 0 invalid, 1 refused/);

    const defaults = await runWsn(['import', '-', '--data', join(dir, 'b')], { input });
    assert.equal(defaults.code, 1, defaults.stderr);
    assert.match(defaults.stderr, /line 1: invalid: content too long \(limit 262144 bytes\)/);
    assert.match(defaults.stderr, /1 stored, 0 duplicate, 1 invalid/);
  } finally {
    await relay.stop();
    relay.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
