// A minimal NIP-77 relay whose negentropy side is nostr-tools' own code (nip77.js:
// NegentropyStorageVector and Negentropy, answering), for driving a reconciliation from
// `wsn sync`. It also answers REQ (stored events matching the filters, then EOSE) and
// EVENT (stored, OK true), and records what it was asked for, so a test can check exactly
// which events crossed. In memory, on 127.0.0.1, one process.
import { WebSocketServer } from 'ws';
import { matchFilters } from 'nostr-tools/filter';
// nostr-tools ships nip77 without a package export: loaded by its path.
import { Negentropy, NegentropyStorageVector } from '../node_modules/nostr-tools/lib/esm/nip77.js';

export async function startNip77Server(events) {
  const stored = new Map(events.map((e) => [e.id, e]));
  const requested = new Set();  // ids sent in answer to REQs
  const published = new Set();  // ids received in EVENTs
  const negMessages = [];       // every NEG-OPEN/NEG-MSG payload received (hex)
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => {
    const sessions = new Map();
    const answer = (sub, neg, hex) => {
      negMessages.push(hex);
      try {
        // nostr-tools returns null when it has nothing to add: the version byte alone.
        ws.send(JSON.stringify(['NEG-MSG', sub, neg.reconcile(hex) ?? '61']));
      } catch (e) {
        ws.send(JSON.stringify(['NEG-ERR', sub, `invalid: ${e.message}`]));
      }
    };
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m[0] === 'NEG-OPEN') {
        const storage = new NegentropyStorageVector();
        for (const e of stored.values()) if (matchFilters([m[2]], e)) storage.insert(e.created_at, e.id);
        storage.seal();
        const neg = new Negentropy(storage, 60000);
        sessions.set(m[1], neg);
        answer(m[1], neg, m[3]);
      } else if (m[0] === 'NEG-MSG') {
        const neg = sessions.get(m[1]);
        if (neg) answer(m[1], neg, m[2]);
        else ws.send(JSON.stringify(['NEG-ERR', m[1], 'closed: no such session']));
      } else if (m[0] === 'NEG-CLOSE') {
        sessions.delete(m[1]);
      } else if (m[0] === 'REQ') {
        const filters = m.slice(2);
        for (const id of filters.flatMap((f) => f.ids ?? [])) {
          const e = stored.get(id);
          if (e && matchFilters(filters, e)) {
            requested.add(id);
            ws.send(JSON.stringify(['EVENT', m[1], e]));
          }
        }
        ws.send(JSON.stringify(['EOSE', m[1]]));
      } else if (m[0] === 'EVENT') {
        stored.set(m[1].id, m[1]);
        published.add(m[1].id);
        ws.send(JSON.stringify(['OK', m[1].id, true, '']));
      }
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    url: `ws://127.0.0.1:${wss.address().port}`,
    requested, published, negMessages,
    stop: () => new Promise((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(resolve); }),
  };
}
