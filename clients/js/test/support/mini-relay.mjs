// A minimal NIP-01 relay in memory on top of the package's wsn responder:
// EVENT (verified) → OK, REQ → stored matches newest first, EOSE, then live
// events; CLOSE. Enough for tests and the cross-implementation check, nothing more.
//
// Run directly to serve until killed; prints the relay's wsn:// address on stdout:
//   node test/support/mini-relay.mjs [--port N] [--key HEX]
import { matchFilter } from 'nostr-tools/filter';
import { verifyEvent } from 'nostr-tools/pure';
import { startWsnServer } from '../../dist/server.js';

export async function startMiniRelay({ secretKey, port = 0, host = '127.0.0.1', maxMessageSize } = {}) {
  const events = [];
  const subs = new Set(); // { peer, id, filters }
  const peers = [];

  function matches(filters, ev) {
    return filters.some((f) => matchFilter(f, ev));
  }

  function onMessage(peer, text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      peer.send(JSON.stringify(['NOTICE', 'invalid: not JSON']));
      return;
    }
    const [verb, ...args] = msg;
    if (verb === 'EVENT') {
      const ev = args[0];
      if (!verifyEvent(ev)) {
        peer.send(JSON.stringify(['OK', ev?.id ?? '', false, 'invalid: bad id or signature']));
        return;
      }
      const dup = events.some((e) => e.id === ev.id);
      if (!dup) events.push(ev);
      peer.send(JSON.stringify(['OK', ev.id, true, dup ? 'duplicate: already have it' : '']));
      if (!dup) for (const s of subs) if (matches(s.filters, ev)) s.peer.send(JSON.stringify(['EVENT', s.id, ev]));
    } else if (verb === 'REQ') {
      const [id, ...filters] = args;
      for (const s of subs) if (s.peer === peer && s.id === id) subs.delete(s);
      const sorted = [...events].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1));
      const limit = Math.min(...filters.map((f) => f.limit ?? Infinity));
      let sent = 0;
      for (const ev of sorted) {
        if (sent >= limit) break;
        if (matches(filters, ev)) {
          peer.send(JSON.stringify(['EVENT', id, ev]));
          sent++;
        }
      }
      peer.send(JSON.stringify(['EOSE', id]));
      subs.add({ peer, id, filters });
    } else if (verb === 'CLOSE') {
      for (const s of subs) if (s.peer === peer && s.id === args[0]) subs.delete(s);
    } else {
      peer.send(JSON.stringify(['NOTICE', `unknown verb ${verb}`]));
    }
  }

  const server = await startWsnServer({
    secretKey,
    port,
    host,
    maxMessageSize,
    onConnection(peer) {
      peers.push(peer);
      peer.onmessage = (text) => onMessage(peer, text);
      peer.onclose = () => {
        for (const s of subs) if (s.peer === peer) subs.delete(s);
      };
    },
  });
  return { ...server, events, peers, close: server.close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const relay = await startMiniRelay({ port: Number(arg('--port') ?? 0), secretKey: arg('--key') });
  console.log(relay.address);
  const stop = () => relay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
