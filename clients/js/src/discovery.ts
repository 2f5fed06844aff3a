// Finding a relay by its key alone (docs/discovery.md): the kind-11111 address
// announcement, its acceptance rules (the same as the C++ client's), a lookup on
// directory relays (all at once, one REQ each) and the addresses worth dialing, in
// order. What worked is remembered in memory for the life of the page or process.
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8 } from './bytes.js';
import { formatWsnAddress, parseWsnAddress, type WsnAddress } from './address.js';

export const ANNOUNCEMENT_KIND = 11111;
export const MAX_CLOCK_SKEW = 600; // created_at at most this far ahead of our clock
const MAX_TRANSPORTS = 64;
const NETWORKS = new Set(['clearnet', 'tor', 'i2p']);
const PROTOCOLS = new Set(['wsn', 'wsns', 'ws', 'wss']);

export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

export interface Announcement {
  event: NostrEvent;
  expiresAt: number;
  // The transports with a key check (wsn, wsns), in announcement order, and their network.
  addresses: { address: WsnAddress; network: string }[];
}

// Throws an Error naming the rule broken ("announcement signed by another key",
// "bad signature", "expired", "created_at too far ahead", "bad address in transport tag 2: …").
export function acceptAnnouncement(e: NostrEvent, keyHex: string, now = Math.floor(Date.now() / 1000)): Announcement {
  if (e.pubkey !== keyHex) throw new Error('announcement signed by another key');
  if (e.kind !== ANNOUNCEMENT_KIND) throw new Error(`not an announcement (kind ${e.kind})`);
  const id = bytesToHex(sha256(utf8(JSON.stringify([0, e.pubkey, e.created_at, e.kind, e.tags, e.content]))));
  if (id !== e.id) throw new Error('bad id');
  let good = false;
  try {
    good = schnorr.verify(hexToBytes(e.sig), hexToBytes(e.id), hexToBytes(e.pubkey));
  } catch {
    good = false;
  }
  if (!good) throw new Error('bad signature');
  let expiresAt: number | undefined;
  let transports = 0;
  const addresses: Announcement['addresses'] = [];
  e.tags.forEach((tag, i) => {
    if (tag[0] === 'expiration') {
      if (expiresAt !== undefined) throw new Error('more than one expiration tag');
      if (!/^[0-9]+$/.test(tag[1] ?? '')) throw new Error('bad expiration tag');
      expiresAt = Number(tag[1]);
      return;
    }
    if (!NETWORKS.has(tag[0])) return;
    if (++transports > MAX_TRANSPORTS) throw new Error('too many transport tags');
    if (tag.length < 3) throw new Error(`transport tag ${i} has no address or protocol`);
    const [network, hostPort, protocol, path = '/'] = tag;
    if (!PROTOCOLS.has(protocol)) return; // a protocol we do not speak
    if (hostPort === '' || /[/?#@]/.test(hostPort) || !path.startsWith('/'))
      throw new Error(`bad address in transport tag ${i}`);
    // Read through the address parser, as the C++ client does (ws/wss in wsn form).
    const scheme = protocol === 'wss' || protocol === 'wsns' ? 'wsns' : 'wsn';
    let address: WsnAddress;
    try {
      address = parseWsnAddress(`${scheme}://${e.pubkey}@${hostPort}${path === '/' ? '' : path}`);
    } catch (err) {
      throw new Error(`bad address in transport tag ${i}: ${(err as Error).message}`);
    }
    if (protocol === 'wsn' || protocol === 'wsns') addresses.push({ address, network });
  });
  if (expiresAt === undefined) throw new Error('no expiration tag');
  if (e.created_at > now + MAX_CLOCK_SKEW) throw new Error('created_at too far ahead');
  if (expiresAt <= now) throw new Error('expired');
  return { event: e, expiresAt, addresses };
}

// NIP-01's rule for replaceable events: later created_at, on a tie the lower id.
export function newer(a: NostrEvent, b: NostrEvent): boolean {
  return a.created_at !== b.created_at ? a.created_at > b.created_at : a.id < b.id;
}

// The addresses to dial, in order: wsn/wsns only (they prove the key), no tor or i2p
// (a browser has no SOCKS5), none already tried.
export function candidates(a: Announcement, skip: string[] = []): WsnAddress[] {
  const out: WsnAddress[] = [];
  for (const { address, network } of a.addresses) {
    const text = formatWsnAddress(address);
    if (network !== 'clearnet' || address.host.endsWith('.onion') || address.host.endsWith('.i2p')) continue;
    if (skip.includes(text) || out.some((o) => formatWsnAddress(o) === text)) continue;
    out.push(address);
  }
  return out;
}

// What this process remembers of each relay key (hex).
interface Cached {
  announcement?: Announcement;
  lastGood?: string;
}
const cache = new Map<string, Cached>();
export function cachedRelay(keyHex: string): Cached | undefined {
  return cache.get(keyHex);
}
export function rememberRelay(keyHex: string, learnt: Cached): void {
  const c = cache.get(keyHex) ?? {};
  if (learnt.lastGood) c.lastGood = learnt.lastGood;
  if (learnt.announcement && (!c.announcement || newer(learnt.announcement.event, c.announcement.event)))
    c.announcement = learnt.announcement;
  cache.set(keyHex, c);
}
export function clearRelayCache(): void {
  cache.clear();
}

export interface Lookup {
  best: Announcement | null;
  sources: string[];
  ignored: string[]; // "<directory>: <why>"
}

type SocketClass = new (url: string, protocols?: string | string[]) => any;

// Asks one directory; resolves with the events it sent for the key (or none).
function ask(url: string, keyHex: string, Socket: SocketClass, timeoutMs: number): Promise<NostrEvent[]> {
  return new Promise((resolve) => {
    const got: NostrEvent[] = [];
    let ws: any;
    const done = () => {
      clearTimeout(timer);
      try {
        ws?.close();
      } catch {
        // already closed
      }
      resolve(got);
    };
    const timer = setTimeout(done, timeoutMs);
    try {
      ws = new Socket(url);
    } catch {
      done();
      return;
    }
    ws.onopen = () => ws.send(JSON.stringify(['REQ', 'wsn-resolve', { kinds: [ANNOUNCEMENT_KIND], authors: [keyHex] }]));
    ws.onmessage = (ev: any) => {
      let m: any;
      try {
        m = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (m[0] === 'EVENT' && m[1] === 'wsn-resolve' && got.length < 16) got.push(m[2]);
      else if ((m[0] === 'EOSE' || m[0] === 'CLOSED') && m[1] === 'wsn-resolve') done();
    };
    ws.onerror = () => done();
    ws.onclose = () => done();
  });
}

// The newest acceptable announcement of the key among the cached one and the directories'.
export async function lookup(keyHex: string, directories: string[], Socket: SocketClass, timeoutMs = 5000): Promise<Lookup> {
  const answers = await Promise.all(directories.map((d) => ask(d, keyHex, Socket, timeoutMs)));
  const all: { source: string; event: NostrEvent }[] = [];
  const held = cache.get(keyHex)?.announcement;
  if (held) all.push({ source: 'cache', event: held.event });
  answers.forEach((events, i) => events.forEach((event) => all.push({ source: directories[i], event })));
  const out: Lookup = { best: null, sources: [], ignored: [] };
  const valid: { source: string; a: Announcement }[] = [];
  for (const { source, event } of all) {
    try {
      const a = acceptAnnouncement(event, keyHex);
      valid.push({ source, a });
      if (!out.best || newer(a.event, out.best.event)) out.best = a;
    } catch (e) {
      out.ignored.push(`${source}: ${(e as Error).message}`);
    }
  }
  for (const { source, a } of valid) {
    if (a.event.id === out.best!.event.id) out.sources.push(source);
    else out.ignored.push(`${source}: older than the newest announcement found`);
  }
  if (out.best) rememberRelay(keyHex, { announcement: out.best });
  return out;
}
