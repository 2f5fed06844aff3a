// Finding 7 of issue 13: limits.max_event_bytes is enforced, by the relay (OK false
// with the event's id) and by `wsn import`, with the same rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { rawClient } from './lib/hostile.mjs';
import { runWsn } from './tools_lib.mjs';

const now = () => Math.floor(Date.now() / 1000);
// An event of about `bytes` of JSON: content up to 200 KB (under max_content_bytes), tags for the rest.
function eventOf(bytes, sk = generateSecretKey()) {
  const content = 'c'.repeat(Math.min(bytes, 200 * 1024));
  const tags = [];
  for (let left = bytes - content.length; left > 0; left -= 1010) tags.push(['t', 'x'.repeat(1000)]);
  return finalizeEvent({ kind: 1, created_at: now(), tags, content }, sk);
}

async function publish(relay, events) {
  const c = await rawClient(relay.wsUrl);
  for (const e of events) c.send(['EVENT', e]);
  await waitFor(() => c.msgs.filter((m) => m[0] === 'OK').length === events.length, { what: 'OKs' });
  c.close();
  return events.map((e) => c.msgs.find((m) => m[0] === 'OK' && m[1] === e.id).slice(2));
}

test('the default 256 KB: a 487 KB event is refused, a 200 KB one stored', async () => {
  const relay = await startRelay();
  try {
    const big = eventOf(487 * 1024);
    const fine = eventOf(200 * 1024);
    const [bigOk, fineOk] = await publish(relay, [big, fine]);
    assert.equal(bigOk[0], false);
    assert.match(bigOk[1], /^invalid: event too large \(\d+ bytes, limit 262144\)$/);
    assert.deepEqual(fineOk, [true, '']);
  } finally {
    await relay.stop();
    relay.cleanup();
  }
});

test('a configured limit of 1,000 bytes refuses a 307 KB event and a 1,200-byte one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-limits-'));
  writeFileSync(join(dir, 'wsn.toml'), '[limits]\nmax_event_bytes = 1000\n');
  const relay = await startRelay({ dataDir: join(dir, 'data'), args: ['--config', join(dir, 'wsn.toml')] });
  try {
    const oks = await publish(relay, [eventOf(307 * 1024), eventOf(1200), eventOf(300)]);
    assert.deepEqual(oks.map((o) => o[0]), [false, false, true]);
    assert.match(oks[1][1], /limit 1000\)$/);
  } finally {
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wsn import applies the same rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-limits-'));
  try {
    const input = [eventOf(487 * 1024), eventOf(1000)].map((e) => JSON.stringify(e)).join('\n') + '\n';
    const imp = await runWsn(['import', '-', '--data', dir], { input });
    assert.equal(imp.code, 1);
    assert.match(imp.stderr, /line 1: invalid: event too large/);
    assert.match(imp.stderr, /1 stored/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
