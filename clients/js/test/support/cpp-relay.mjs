// Starts the C++ relay (`$WSN_BIN relay`) on a free loopback port in a fresh data
// folder and resolves once it has printed its wsn:// address.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const wsnBin = process.env.WSN_BIN;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startCppRelay(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-js-relay-'));
  const port = await freePort();
  const child = spawn(wsnBin, ['relay', '--data', dir, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const address = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`relay printed no wsn:// address in 20 s\n${out}\n${err}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`relay exited with ${code}\n${out}\n${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('wsn://') && l.includes(`:${port}`));
      if (line) {
        clearTimeout(t);
        resolve(line.trim());
      }
    });
  });
  const npub = /^wsn:\/\/(npub1[0-9a-z]+)@/.exec(address)[1];
  return {
    address,
    npub,
    port,
    plainUrl: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
