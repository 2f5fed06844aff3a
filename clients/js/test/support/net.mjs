// Helpers for tests over real sockets on 127.0.0.1.
import { WebSocketServer } from 'ws';

// Resolves with the events a WebSocket-like object fires, in order, until close.
export function recordUntilClose(ws, timeoutMs = 10_000) {
  const seen = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no close event; saw ${seen.map((e) => e.type)}`)), timeoutMs);
    for (const type of ['open', 'message', 'error']) ws.addEventListener(type, (ev) => seen.push(ev));
    ws.addEventListener('close', (ev) => {
      seen.push(ev);
      clearTimeout(t);
      resolve(seen);
    });
  });
}

export function once(ws, type, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} event`)), timeoutMs);
    ws.addEventListener(type, (ev) => {
      clearTimeout(t);
      resolve(ev);
    }, { once: true });
  });
}

// A bare `ws` server on a free port; `setup(wss)` adds its behaviour.
export async function rawServer(options, setup) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise((r) => wss.once('listening', r));
  setup(wss);
  return {
    wss,
    port: wss.address().port,
    close: () => new Promise((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }),
  };
}
