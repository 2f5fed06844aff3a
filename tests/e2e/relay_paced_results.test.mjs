// Finding 2 of issue 13: stored results used to be pushed into the 8 MiB send queue with no
// backpressure, so a reader at full loopback speed was closed as a "slow reader" (one REQ
// over ~20 MB of long-form articles was cut after 4.7 MB over ws, after one event over wsn;
// 20 REQs of limit 500 after 1.9 MB). Now a query pauses while its connection holds more
// than a window unsent and resumes when it drains: a reader that reads gets everything,
// and one that stops reading holds a window of stored results, no more; only live events
// can fill its queue, and then it is closed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { importInto, metrics, rawClient } from './lib/hostile.mjs';
import { runWsn } from './tools_lib.mjs';

const ARTICLES = 500;           // kind 30023, ~42 KB each: ~21 MB for one REQ of limit 500
const ARTICLE_BYTES = 42_000;
const NOTES = 1000;             // kind 1, ~2 KB each: 20 REQs of limit 500 ask ~20 MB
const NOTE_BYTES = 2_000;

let dir, relay, articleBytes;
const now = Math.floor(Date.now() / 1000);

function filler(n, seed) {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${seed}-${i} lorem ipsum dolor sit amet, consectetur adipiscing elit. `;
  return s.slice(0, n);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-paced-'));
  const sk = generateSecretKey();
  const lines = [];
  articleBytes = 0;
  for (let i = 0; i < ARTICLES; i++) {
    const e = finalizeEvent({ kind: 30023, created_at: now - 10_000 + i, tags: [['d', `a${i}`]], content: filler(ARTICLE_BYTES, i) }, sk);
    lines.push(JSON.stringify(e));
    articleBytes += lines.at(-1).length;
  }
  for (let i = 0; i < NOTES; i++)
    lines.push(JSON.stringify(finalizeEvent({ kind: 1, created_at: now - 20_000 + i, tags: [], content: filler(NOTE_BYTES, i) }, sk)));
  const data = join(dir, 'data');
  mkdirSync(data);
  importInto(data, lines.join('\n') + '\n');
  const cfg = join(dir, 'relay.toml');
  writeFileSync(cfg, '[rate_limits]\nevents_per_ip = { per_second = 1000, burst = 1000 }\n'
    + 'events_per_pubkey = { per_second = 1000, burst = 1000 }\n');
  relay = await startRelay({ dataDir: data, args: ['--config', cfg] });
});

after(async () => {
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Reads one REQ at full speed; resolves with its events' count and JSON bytes at EOSE.
async function readAll(c, sub, filter, timeout = 60000) {
  let n = 0, bytes = 0;
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no EOSE for ${sub} after ${n} events`)), timeout);
    c.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m[1] !== sub) return;
      if (m[0] === 'EVENT') { n++; bytes += JSON.stringify(m[2]).length; }
      if (m[0] === 'EOSE' || m[0] === 'CLOSED') { clearTimeout(timer); resolve({ n, bytes, end: m[0] }); }
    });
    c.ws.on('close', (code, reason) => { clearTimeout(timer); reject(new Error(`closed ${code} ${reason} after ${n} events`)); });
  });
  c.send(['REQ', sub, filter]);
  return done;
}

test('one REQ over ~20 MB of stored long-form articles is answered in full over ws', async () => {
  const c = await rawClient(relay.wsUrl, { keep: false });
  const got = await readAll(c, 'articles', { kinds: [30023], limit: ARTICLES });
  c.close();
  assert.equal(got.end, 'EOSE');
  assert.equal(got.n, ARTICLES);
  assert.equal(got.bytes, articleBytes);
  assert.ok(got.bytes > 20_000_000, `${got.bytes} bytes`);
});

test('the same REQ over wsn (wsn req) gets every article', async () => {
  const r = await runWsn(['req', relay.wsnUrl, '--kind', '30023', '--limit', String(ARTICLES)], { timeout: 60000 });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const events = r.json();
  assert.equal(events.length, ARTICLES);
  assert.equal(events.reduce((s, e) => s + JSON.stringify(e).length, 0), articleBytes);
});

test('20 REQs of limit 500 on one connection are all answered in full', async () => {
  const c = await rawClient(relay.wsUrl, { keep: false });
  const subs = Array.from({ length: 20 }, (_, i) => readAll(c, `n${i}`, { kinds: [1], limit: 500, until: now - 20_000 + NOTES - 1 - i }));
  const got = await Promise.all(subs);
  c.close();
  for (const g of got) assert.deepEqual([g.end, g.n], ['EOSE', 500]);
  const total = got.reduce((s, g) => s + g.bytes, 0);
  assert.ok(total > 19_000_000, `${total} bytes`);
});

// The relay's own memory (the database's mapped pages left out).
const anonKiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/RssAnon:\s+(\d+)/)[1]);

test('a reader that stops reading holds a window of stored results; live events then close it', async () => {
  const before = anonKiB(relay.proc.pid);
  const slow = [];
  for (let i = 0; i < 10; i++) {
    const c = await rawClient(relay.wsUrl, { keep: false });
    c.ws._socket.pause();  // reads nothing from here on
    c.send(['REQ', 'all', { kinds: [30023], limit: ARTICLES }]);
    slow.push(c);
  }
  // A reader that reads is still served in full meanwhile.
  const fast = await rawClient(relay.wsUrl, { keep: false });
  const got = await readAll(fast, 'articles', { kinds: [30023], limit: ARTICLES });
  fast.close();
  assert.equal(got.n, ARTICLES);
  // 10 stalled REQs of 21 MB each: each is paused at its window, not queued in full
  // (before pacing each held up to 8 MiB until closed).
  const grown = (anonKiB(relay.proc.pid) - before) / 1024;
  assert.ok(grown < 60, `relay memory grew by ${grown.toFixed(1)} MiB`);
  let m = await metrics(relay);
  assert.equal(m.wsn_slow_reader_closes_total ?? 0, 0, 'no reader closed yet');

  // Live events past the 8 MiB queue close the stalled readers.
  const pub = await rawClient(relay.wsUrl, { keep: false });
  const sk = generateSecretKey();
  for (let i = 0; i < 300; i++)
    pub.send(['EVENT', finalizeEvent({ kind: 30023, created_at: now, tags: [['d', `live${i}`]], content: filler(ARTICLE_BYTES, `l${i}`) }, sk)]);
  await waitFor(async () => ((await metrics(relay)).wsn_slow_reader_closes_total ?? 0) >= slow.length,
    { what: 'the stalled readers closed as slow readers', timeout: 30000 });
  pub.close();
  for (const c of slow) c.close();
  m = await metrics(relay);
  assert.equal(m.wsn_slow_reader_closes_total, slow.length);
});
