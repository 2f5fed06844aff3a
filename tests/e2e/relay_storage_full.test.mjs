// Finding 8 of issue 13: a full store (here a small LMDB map, relay.map_size_mib)
// refuses new events with OK false "error: storage full", logs one line for the
// whole episode rather than one per event, counts the refusals in /metrics, and does
// not take down the unrelated events of the same batch: a duplicate is still
// answered as one, reads go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { rawClient, metrics } from './lib/hostile.mjs';

test('a full store: "error: storage full", one log line, duplicates and reads unaffected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-full-'));
  writeFileSync(join(dir, 'wsn.toml'), '[relay]\nmap_size_mib = 2\n[rate_limits]\n' +
    'events_per_ip = { per_second = 0, burst = 0 }\nevents_per_pubkey = { per_second = 0, burst = 0 }\n');
  const relay = await startRelay({ dataDir: join(dir, 'data'), args: ['--config', join(dir, 'wsn.toml')] });
  try {
    const c = await rawClient(relay.wsUrl);
    const ok = (id) => c.msgs.find((m) => m[0] === 'OK' && m[1] === id);
    const sk = generateSecretKey();
    const big = (i) => finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [],
      content: `${i} `.padEnd(60 * 1024, 'z') }, sk);
    const first = big(0);
    c.send(['EVENT', first]);
    await waitFor(() => ok(first.id), { what: 'first OK' });
    assert.equal(ok(first.id)[2], true);
    // 2 MiB of map holds a few dozen of these; send 80.
    const rest = Array.from({ length: 80 }, (_, i) => big(i + 1));
    for (const e of rest) c.send(['EVENT', e]);
    await waitFor(() => rest.every((e) => ok(e.id)), { timeout: 30000, what: '80 OKs' });
    const refused = rest.filter((e) => ok(e.id)[2] === false);
    assert.ok(refused.length > 10, `${refused.length} refused`);
    for (const e of refused) assert.equal(ok(e.id)[3], 'error: storage full');
    // Once full: a duplicate of a stored event in the same batch as a new one.
    const dup = first;
    const fresh = big(1000);
    c.msgs.length = 0;
    c.send(['EVENT', dup]);
    c.send(['EVENT', fresh]);
    await waitFor(() => ok(dup.id) && ok(fresh.id), { what: 'two OKs' });
    assert.deepEqual(ok(dup.id).slice(2), [true, 'duplicate: already have this event']);
    assert.deepEqual(ok(fresh.id).slice(2), [false, 'error: storage full']);
    // Reads still work.
    c.send(['REQ', 'r', { ids: [first.id] }]);
    await waitFor(() => c.msgs.some((m) => m[0] === 'EOSE'), { what: 'EOSE' });
    assert.equal(c.msgs.filter((m) => m[0] === 'EVENT').length, 1);
    const lines = relay.stderr.split('\n').filter((l) => /storage full/.test(l));
    assert.equal(lines.length, 1, lines.join('\n'));
    const m = await metrics(relay);
    assert.equal(m['wsn_events_total{result="storage_full"}'], refused.length + 1);
    c.close();
  } finally {
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
