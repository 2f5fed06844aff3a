// Finding 3 of issue 13: a write-policy plugin that hangs must not freeze reads, and
// the plugin process must hold no descriptor of the relay's (a dropped client would
// otherwise wait for an EOF the plugin keeps from it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { rawClient, victimLatencies, percentile } from './lib/hostile.mjs';

const P99_BOUND_MS = 500;

let relay, dir, pidFile;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wsn-e2e-plugin-'));
  pidFile = join(dir, 'plugin.pid');
  // Never answers. One verifier, so a verifier waiting on the plugin would stall the victim.
  const cfg = join(dir, 'wsn.toml');
  writeFileSync(cfg, `[threads]\nverifiers = 1\n[policy]\nplugin = "echo $$ > '${pidFile}'; exec sleep 600"\n`);
  relay = await startRelay({ dataDir: join(dir, 'data'), args: ['--config', cfg] });
});
after(async () => {
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sk = generateSecretKey();
const note = (content) => finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, sk);
let pub, held, sentAt;

test('the plugin holds none of the relay\'s descriptors', async () => {
  pub = await rawClient(relay.wsUrl, { from: '127.0.0.2' });
  held = note('held');
  sentAt = performance.now();
  pub.send(['EVENT', held]);  // starts the plugin, which never answers
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), { what: 'plugin pid' });
  const pid = readFileSync(pidFile, 'utf8').trim();
  const fds = readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
  const what = fds.map((fd) => { try { return `${fd} -> ${readlinkSync(`/proc/${pid}/fd/${fd}`)}`; } catch { return `${fd}`; } });
  assert.deepEqual(fds, [0, 1, 2], what.join('\n'));
});

test('a hanging plugin delays only the events waiting for it, not reads', async () => {
  for (let i = 0; i < 3; i++) pub.send(['EVENT', note(`queued ${i}`)]);
  const lat = await victimLatencies(relay.wsUrl, { kinds: [1], limit: 10 }, { samples: 30 });
  const p99 = percentile(lat, 99);
  console.log(`victim REQ p99 while the plugin hangs: ${p99.toFixed(1)} ms`);
  assert.ok(p99 < P99_BOUND_MS, `victim p99 ${p99.toFixed(0)} ms`);
  // The held event is refused when its call times out (5 s by default), with a reason.
  await waitFor(() => pub.msgs.some((m) => m[0] === 'OK' && m[1] === held.id), { timeout: 20000, what: 'OK' });
  const ok = pub.msgs.find((m) => m[0] === 'OK' && m[1] === held.id);
  assert.deepEqual(ok.slice(2), [false, 'error: write policy plugin timed out']);
  assert.ok(performance.now() - sentAt >= 4500);
  pub.close();
});
