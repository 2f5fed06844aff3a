// Helpers for the client tools, proxy and gateway tests: run a `wsn` command to its end,
// start a long-running one (proxy, gateway) and wait for its printed addresses, make key
// files and self-signed certificates.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { npubEncode } from 'nostr-tools/nip19';
import { WSN_BIN } from './lib/relay.mjs';

export const tempDir = () => mkdtempSync(join(tmpdir(), 'wsn-tools-'));

// Runs `wsn ...args` with optional stdin (and environment); resolves with its exit code and
// output. A command still running after `timeout` ms is killed and the test fails.
export function runWsn(args, { input, timeout = 20000, env } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(WSN_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`wsn ${args.join(' ')} did not finish in ${timeout} ms\n${stderr}`));
    }, timeout);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.length > 0);
      resolve({ code: code ?? signal, stdout, stderr, lines, json: () => lines.map((l) => JSON.parse(l)) });
    });
    // A command that exits before reading its stdin (a usage error) closes the pipe: EPIPE is no failure.
    proc.stdin.on('error', (e) => { if (e.code !== 'EPIPE') reject(e); });
    proc.stdin.end(input ?? '');
  });
}

// Starts `wsn ...args` and resolves once it printed `count` lines matching `pattern`.
export async function startWsn(args, { pattern = /^wsns?:\/\//, count = 1, env } = {}) {
  const proc = spawn(WSN_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const lines = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wsn ${args[0]} did not start:\n${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const found = stdout.split('\n').filter((l) => pattern.test(l));
      if (found.length >= count && stdout.endsWith('\n')) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`wsn ${args[0]} exited ${code}:\n${stderr}`)); });
  });
  return {
    proc, lines,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const done = new Promise((r) => proc.once('exit', (code, sig) => r(code ?? sig)));
      proc.kill(signal);
      return done;
    },
  };
}

// A key file (64 hex, mode 0600) holding a fresh key; returns its path and keys.
export function makeKeyFile(dir, name = 'user.key') {
  const sk = generateSecretKey();
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(sk).toString('hex') + '\n', { mode: 0o600 });
  return { path, sk, pubkey: getPublicKey(sk) };
}

// A self-signed EC P-256 certificate for 127.0.0.1 (the certificate is never the identity).
export function makeCert(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

// The same address with another (valid) key in place of the relay's.
export function withWrongKey(addr) {
  return addr.replace(/npub1[0-9a-z]+/, npubEncode(getPublicKey(generateSecretKey())));
}
