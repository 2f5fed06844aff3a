// `wsn proxy` and web pages: browsers let any site open a WebSocket to localhost, so the
// proxy refuses pages of origins it was not given with --allow-origin, before the
// upgrade and without a word that would help a port scan; a page of an allowed origin
// and a client that sends no Origin (a native app) are served. Real Chromium, real proxy,
// real relay, all on loopback.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from './support/chromium.mjs';
import { startCppRelay, wsnBin } from './support/cpp-relay.mjs';
import { serveStatic } from './support/static-server.mjs';

function startProxy(args) {
  const child = spawn(wsnBin, ['proxy', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`proxy printed no ws:// URL in 20 s\n${err}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`proxy exited with ${code}\n${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('ws://'));
      if (!line) return;
      clearTimeout(t);
      resolve({ url: line.trim(), stop: () => new Promise((r) => { child.removeAllListeners('exit'); child.once('exit', r); child.kill('SIGTERM'); }) });
    });
  });
}

// The raw answer to a WebSocket upgrade carrying `origin` (none when undefined).
function upgrade(url, origin) {
  const u = new URL(url);
  const headers = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
  if (origin) headers.Origin = origin;
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: '/', headers });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode, body: '' }); });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// In the page: open the proxy, ask for nothing, report EOSE or how it failed.
function tryRelay(proxyUrl) {
  return new Promise((resolve) => {
    const ws = new WebSocket(proxyUrl);
    const t = setTimeout(() => resolve('timeout'), 10_000);
    ws.onopen = () => ws.send(JSON.stringify(['REQ', 's', { limit: 1 }]));
    ws.onmessage = (m) => { if (JSON.parse(m.data)[0] === 'EOSE') { clearTimeout(t); ws.close(); resolve('eose'); } };
    ws.onclose = (e) => { clearTimeout(t); resolve(`closed ${e.code}`); };
  });
}

describe('wsn proxy refuses web pages of other origins', { skip: wsnBin ? false : 'WSN_BIN is not set' }, () => {
  let relay, proxy, allowedSite, otherSite, browser, dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsn-origin-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>a page</title>');
    relay = await startCppRelay();
    allowedSite = await serveStatic(dir);
    otherSite = await serveStatic(dir);  // another port: another origin
    proxy = await startProxy(['--upstream', relay.address, '--allow-origin', allowedSite.url.replace(/\/$/, '')]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await allowedSite?.close();
    await otherSite?.close();
    await relay?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a page of an allowed origin and refuses the same page on another', async () => {
    const page = await browser.newPage();
    await page.goto(allowedSite.url);
    assert.equal(await page.evaluate(tryRelay, proxy.url), 'eose');
    await page.goto(otherSite.url);
    assert.equal(await page.evaluate(tryRelay, proxy.url), 'closed 1006');
    await page.close();
  });

  it('answers a refused origin with a bare 403, and serves clients that send no Origin', async () => {
    const refused = await upgrade(proxy.url, 'http://evil.example');
    assert.deepEqual(refused, { status: 403, body: 'forbidden\n' });
    assert.equal((await upgrade(proxy.url, allowedSite.url.replace(/\/$/, ''))).status, 101);
    assert.equal((await upgrade(proxy.url, undefined)).status, 101);
  });
});
