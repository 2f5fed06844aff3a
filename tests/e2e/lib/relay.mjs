// Starts the real `wsn relay` binary on loopback for a test and stops it after.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WSN_BIN = process.env.WSN_BIN;
if (!WSN_BIN) throw new Error('set WSN_BIN to the wsn binary (ctest does)');

// Runs `wsn relay` with a fresh (or given) data folder on 127.0.0.1 with a free port,
// optionally under an open-file limit (nofile: soft and hard; softNofile: soft only).
// Resolves once the relay has printed its wsn:// address.
export async function startRelay({ dataDir, args = [], listen = ['127.0.0.1:0'], nofile, softNofile } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'wsn-e2e-'));
  const listenArgs = listen.flatMap((l) => ['--listen', l]);
  const argv = ['relay', '--data', dir, ...listenArgs, ...args];
  const limit = nofile ? `ulimit -n ${Number(nofile)}` : softNofile ? `ulimit -S -n ${Number(softNofile)}` : null;
  const proc = limit
    ? spawn('/bin/sh', ['-c', `${limit} && exec "$0" "$@"`, WSN_BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(WSN_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const addresses = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const lines = stdout.split('\n').filter((l) => /^wsns?:\/\//.test(l));
      if (lines.length >= listen.length && stdout.endsWith('\n')) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`relay exited ${code}:\n${stderr}`)); });
  });
  const m = addresses[0].match(/^wsns?:\/\/(npub1[0-9a-z]+)@(.+):(\d+)/);
  const relay = {
    proc, dir, addresses, npub: m[1], host: m[2], port: Number(m[3]),
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    wsUrl: `ws://${m[2]}:${m[3]}`,
    wsnUrl: addresses[0],
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const done = new Promise((r) => proc.once('exit', (code, sig) => r(code ?? sig)));
      proc.kill(signal);
      return done;
    },
    cleanup() { if (!dataDir) rmSync(dir, { recursive: true, force: true }); },
  };
  return relay;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls cond() until true or the timeout passes.
export async function waitFor(cond, { timeout = 10000, every = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}
