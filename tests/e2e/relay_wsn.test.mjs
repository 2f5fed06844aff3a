// The relay's NIP semantics over wsn://, with the project's own client (`wsn event`,
// `wsn req`, `wsn count`), and the wsn client key counting as authentication (NIP-70).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startRelay } from './lib/relay.mjs';
import { runWsn, tempDir, makeKeyFile } from './tools_lib.mjs';

let relay;
let dir;
before(async () => { relay = await startRelay(); dir = tempDir(); });
after(async () => { await relay.stop(); relay.cleanup(); rmSync(dir, { recursive: true, force: true }); });

const now = () => Math.floor(Date.now() / 1000);
const okLines = (r) => r.json().filter((m) => Array.isArray(m) ? m[0] === 'OK' : true);

async function publish(key, args) {
  const r = await runWsn(['event', relay.wsnUrl, '--key', key.path, ...args]);
  return { ...r, ok: r.code === 0 };
}
async function req(args) {
  const r = await runWsn(['req', relay.wsnUrl, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.json();
}

test('a wsn client that presented its key publishes a protected event without AUTH', async () => {
  const alice = makeKeyFile(dir, 'alice.key');
  const r = await publish(alice, ['--content', 'protected', '--tag', '["-"]']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const got = await req(['--author', alice.pubkey]);
  assert.equal(got.length, 1);
  assert.deepEqual(got[0].tags, [['-']]);
});

test('an anonymous wsn client is refused a protected event with auth-required:', async () => {
  const r = await runWsn(['event', relay.wsnUrl, '--content', 'protected', '--tag', '["-"]']);
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /auth-required:/);
});

test('over wsn: replaceable, addressable, deletion and COUNT', async () => {
  const bob = makeKeyFile(dir, 'bob.key');
  const t = now();
  assert.ok((await publish(bob, ['--kind', '0', '--content', '{"name":"old"}', '--created-at', String(t - 20)])).ok);
  assert.ok((await publish(bob, ['--kind', '0', '--content', '{"name":"new"}', '--created-at', String(t - 10)])).ok);
  let got = await req(['--author', bob.pubkey, '--kind', '0']);
  assert.deepEqual(got.map((e) => e.content), ['{"name":"new"}']);

  // distinct created_at: on a tie the lowest id would win, whichever came last
  for (const [d, c, age] of [['x', 'x1', 5], ['y', 'y1', 4], ['x', 'x2', 3]])
    assert.ok((await publish(bob, ['--kind', '30000', '--tag', `d=${d}`, '--content', c, '--created-at', String(t - age)])).ok);
  got = await req(['--author', bob.pubkey, '--kind', '30000']);
  assert.deepEqual(got.map((e) => e.content).sort(), ['x2', 'y1']);

  const note = await publish(bob, ['--content', 'delete me']);
  const noteId = note.json().find((m) => Array.isArray(m))?.[1] ?? note.json()[0].id;
  assert.ok((await publish(bob, ['--kind', '5', '--tag', `e=${noteId}`, '--content', ''])).ok);
  got = await req(['--author', bob.pubkey, '--kind', '1']);
  assert.equal(got.length, 0);

  const count = await runWsn(['count', relay.wsnUrl, '--author', bob.pubkey]);
  assert.equal(count.code, 0, count.stderr);
  assert.match(count.stdout, /\b4\b/);  // kind 0, two kind 30000, the kind 5
});
