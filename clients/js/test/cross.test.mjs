// Cross-implementation, C++ client → JS responder: the `wsn` command line client
// (WSN_BIN) publishes to and queries the in-test NIP-01 relay built on this
// package's responder. (JS client → C++ relay: nostr-tools.test.mjs, browser.test.mjs.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { compressedPublicKey, npubEncode, randomSecretKey } from '../dist/index.js';
import { finalizeEvent } from 'nostr-tools/pure';
import { startMiniRelay } from './support/mini-relay.mjs';
import { wsnBin } from './support/cpp-relay.mjs';

function wsn(args, stdin) {
  return new Promise((resolve) => {
    const child = execFile(wsnBin, args, { timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

const lines = (s) => s.split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('C++ wsn client against the JS responder', { skip: wsnBin ? false : 'WSN_BIN is not set' }, () => {
  let relay, dir, keyFile, sk;
  before(async () => {
    relay = await startMiniRelay();
    dir = mkdtempSync(join(tmpdir(), 'wsn-js-cross-'));
    sk = randomSecretKey();
    keyFile = join(dir, 'me.key');
    writeFileSync(keyFile, `${bytesToHex(sk)}\n`, { mode: 0o600 });
  });
  after(async () => {
    await relay?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('wsn event publishes with the user key; the responder learns that key', async () => {
    const content = `from C++ to JS ${Date.now()}`;
    const before = relay.peers.length;
    const r = await wsn(['event', relay.address, '--key', keyFile, '--content', content]);
    assert.equal(r.code, 0, r.stderr);
    const [ok] = lines(r.stdout);
    assert.equal(ok.accepted, true);
    const stored = relay.events.find((e) => e.id === ok.id);
    assert.equal(stored?.content, content);
    const pk = bytesToHex(secp256k1.getPublicKey(sk, true).subarray(1));
    assert.equal(stored.pubkey, pk);
    assert.ok(relay.peers.slice(before).some((p) => p.encrypted && p.clientPubkey === pk));
  });

  it('multi-chunk messages both ways: a 150 kB event in, the same event out', async () => {
    // Through stdin: one argument may not exceed 128 kB.
    const content = 'q'.repeat(150_000);
    const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, sk);
    const r = await wsn(['event', relay.address, '--key', keyFile], JSON.stringify(ev));
    assert.equal(r.code, 0, r.stderr);
    const [ok] = lines(r.stdout);
    const q = await wsn(['req', relay.address, '--id', ok.id]);
    assert.equal(q.code, 0, q.stderr);
    const events = lines(q.stdout);
    assert.equal(events.length, 1);
    assert.equal(events[0].content, content);
  });

  it('wsn req reads stored events', async () => {
    const q = await wsn(['req', relay.address, '--kind', '1', '--limit', '10']);
    assert.equal(q.code, 0, q.stderr);
    assert.ok(lines(q.stdout).some((e) => e.content.startsWith('from C++ to JS')));
  });

  it('a wrong key: exit code 3, nothing reaches the relay', async () => {
    const count = relay.events.length;
    const wrong = relay.address.replace(relay.npub, npubEncode(compressedPublicKey(randomSecretKey()).subarray(1)));
    const r = await wsn(['event', wrong, '--content', 'must not arrive']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /prove/);
    assert.equal(relay.events.length, count);
  });
});
