// Starts a real nginx (Debian's nginx-light) on loopback as a WebSocket reverse proxy in
// front of a relay, in a folder of its own, and stops it after.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './relay.mjs';

export async function freePort(host = '127.0.0.1') {
  const s = createServer();
  await new Promise((r) => s.listen(0, host, r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// nginx listening on `listen` ("127.0.0.1" or "[::1]") that forwards to `upstream`
// ("127.0.0.1:7447"), appending the peer's address to X-Forwarded-For as usual.
export async function startNginx({ upstream, listen = '127.0.0.1' }) {
  const dir = mkdtempSync(join(tmpdir(), 'wsn-nginx-'));
  const port = await freePort(listen.replace(/[[\]]/g, ''));
  const conf = `
worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen ${listen}:${port};
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  await waitFor(() => existsSync(join(dir, 'nginx.pid')) || proc.exitCode !== null, { what: 'nginx to start' });
  if (proc.exitCode !== null) throw new Error(`nginx exited: ${stderr}${readFileSync(join(dir, 'error.log'), 'utf8')}`);
  return {
    port,
    url: `ws://${listen}:${port}`,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGQUIT');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
