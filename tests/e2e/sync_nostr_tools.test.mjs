// Interop, the other half of relay_nip77.test.mjs: nostr-tools' NIP-77 code (nip77.js) as the
// answering side of a reconciliation driven by our core, through `wsn sync`. The have/need sets
// must equal the true differences exactly: the events `wsn sync` fetched are exactly those only
// the server held, those it published exactly those only the local store held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startNip77Server } from './lib/nip77_server.mjs';
import { runWsn, tempDir } from './tools_lib.mjs';

const ids = (events) => events.map((e) => e.id).sort();

// Signed events from `wsn bench gen` (signing in JS is slow), one a second and so with
// distinct timestamps...
async function generated(count) {
  const r = await runWsn(['bench', 'gen', '--count', String(count), '--seed', '77', '--authors', '50',
    '--base-time', '1790000000'], { timeout: 60000 });
  assert.equal(r.code, 0, r.stderr);
  return r.json();
}
// ...and a few signed here, many in the same second, so the bounds need id prefixes.
const key = generateSecretKey();
const sameSecond = (count) => Array.from({ length: count }, (_, i) =>
  finalizeEvent({ kind: 1, created_at: 1790000000 + (i % 5), tags: [], content: `e${i}` }, key));

async function syncAgainstNostrTools({ all, serverOnly, localOnly, filter }) {
  const server = await startNip77Server(all.filter((_, i) => !localOnly(i)));
  const dir = tempDir();
  try {
    const local = all.filter((_, i) => !serverOnly(i));  // an event in neither when both say "only"
    const imp = await runWsn(['import', '-', '--data', dir, '--no-verify'], { input: local.map((e) => JSON.stringify(e)).join('\n') + '\n' });
    assert.equal(imp.code, 0, imp.stderr);
    const args = ['sync', server.url, '--data', dir, '--json', ...(filter ? ['--filter', JSON.stringify(filter)] : [])];
    const r = await runWsn(args, { timeout: 120000 });
    assert.equal(r.code, 0, r.stderr);
    const inFilter = (e) => !filter || !filter.kinds || filter.kinds.includes(e.kind);
    const wantNeed = ids(all.filter((e, i) => serverOnly(i) && !localOnly(i) && inFilter(e)));
    const wantHave = ids(all.filter((e, i) => localOnly(i) && !serverOnly(i) && inFilter(e)));
    const s = r.json()[0];
    assert.equal(s.have, wantHave.length);
    assert.equal(s.need, wantNeed.length);
    assert.equal(s.transferred, wantHave.length + wantNeed.length);
    assert.deepEqual([...server.requested].sort(), wantNeed, 'fetched exactly what only the server had');
    assert.deepEqual([...server.published].sort(), wantHave, 'published exactly what only the store had');
    // Every message of ours stays under the 60,000-byte frame (hex: twice as long).
    for (const m of server.negMessages) assert.ok(m.length <= 120000, `a message of ${m.length / 2} bytes`);
    return server.negMessages.length;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('nostr-tools answering: a small set, many events a second, differences both ways', async () => {
  await syncAgainstNostrTools({ all: sameSecond(200), serverOnly: (i) => i % 10 === 1, localOnly: (i) => i % 10 === 2 });
});

test('nostr-tools answering: 20,000 events, 1 % different each way; a kind filter', async () => {
  const all = await generated(20000);
  const rounds = await syncAgainstNostrTools({ all, serverOnly: (i) => i % 100 === 3, localOnly: (i) => i % 100 === 50 });
  assert.ok(rounds <= 8, `${rounds} messages`);
  await syncAgainstNostrTools({ all: all.slice(0, 5000), serverOnly: (i) => i % 7 === 1, localOnly: (i) => i % 11 === 2, filter: { kinds: [7] } });
});

test('nostr-tools answering: equal sets, disjoint sets, one side empty', async () => {
  const all = await generated(3000);
  await syncAgainstNostrTools({ all, serverOnly: () => false, localOnly: () => false });
  await syncAgainstNostrTools({ all, serverOnly: (i) => i % 2 === 0, localOnly: (i) => i % 2 === 1 });
  await syncAgainstNostrTools({ all, serverOnly: () => true, localOnly: () => false });
  await syncAgainstNostrTools({ all, serverOnly: () => false, localOnly: () => true });
});
