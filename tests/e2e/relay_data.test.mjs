// Data commands on the relay's database: import, export, scan, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { runWsn, tempDir } from './tools_lib.mjs';
import { startRelay } from './lib/relay.mjs';

const now = () => Math.floor(Date.now() / 1000);

test('import verifies and stores, export and scan read back, delete removes', async () => {
  const dir = tempDir();
  try {
    const alice = generateSecretKey();
    const bob = generateSecretKey();
    const events = [];
    for (let i = 0; i < 30; i++)
      events.push(finalizeEvent({ kind: i % 2 ? 1 : 7, created_at: now() - i, tags: [['t', `n${i % 3}`]], content: `e${i}` }, i < 20 ? alice : bob));
    const bad = { ...events[0], content: 'tampered' };
    const input = [...events, events[1], bad].map((e) => JSON.stringify(e)).join('\n') + '\n\nnot json\n';

    const imp = await runWsn(['import', '-', '--data', dir], { input });
    assert.equal(imp.code, 1, 'invalid lines make the exit code 1');
    assert.match(imp.stderr, /30 stored, 1 duplicate, 2 invalid/);
    assert.match(imp.stderr, /line 32: invalid: id does not match/);

    const all = await runWsn(['export', '--data', dir]);
    assert.equal(all.code, 0, all.stderr);
    const got = all.json();
    assert.equal(got.length, 30);
    assert.deepEqual(got.map((e) => e.created_at), [...got.map((e) => e.created_at)].sort((a, b) => b - a));

    const byAuthor = await runWsn(['export', '--data', dir, '--author', getPublicKey(bob), '--kind', '1']);
    assert.equal(byAuthor.json().length, 5);

    const scan = await runWsn(['scan', '--data', dir, '{"#t":["n0"],"limit":4}']);
    assert.equal(scan.code, 0, scan.stderr);
    assert.equal(scan.json().length, 4);
    assert.ok(scan.json().every((e) => e.tags[0][1] === 'n0'));

    const badFilter = await runWsn(['scan', '--data', dir, '{"kinds":"one"}']);
    assert.equal(badFilter.code, 2);
    assert.match(badFilter.stderr, /bad filter: invalid:/);

    const del = await runWsn(['delete', '--data', dir, JSON.stringify({ authors: [getPublicKey(alice)] })]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /deleted 20 events/);
    assert.equal((await runWsn(['export', '--data', dir])).json().length, 10);

    // the relay serves what was imported
    const relay = await startRelay({ dataDir: dir });
    const q = await runWsn(['req', relay.wsnUrl, '--author', getPublicKey(bob)]);
    assert.equal(q.json().length, 10);
    await relay.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
