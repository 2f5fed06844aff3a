// wsn:// and wsns:// addresses (DESIGN §1):
//   ("wsn" / "wsns") "://" ( key "@" host [ ":" port ] / key ) [ path ]
// With no host (key-only) the relay is found through its announcement (discovery.ts).
// key: npub or 64 lowercase hex; host: IPv4, [IPv6], DNS name or v3 .onion;
// default port 80 (wsn) / 443 (wsns); path as in a ws:// URL, default "/".
import { npubEncode, parsePublicKey } from './keys.js';

export type WsnScheme = 'wsn' | 'wsns';

export interface WsnAddress {
  scheme: WsnScheme;
  relayKey: Uint8Array; // 32-byte x-only key
  npub: string;
  host: string; // lowercase; an IPv6 literal without brackets; '' when key-only
  port: number; // 0 when key-only
  path: string; // starts with "/", may carry a query
}

export class WsnAddressError extends Error {
  override name = 'WsnAddressError';
}

const DEFAULT_PORT: Record<WsnScheme, number> = { wsn: 80, wsns: 443 };

export function isWsnUrl(url: string): boolean {
  return /^wsns?:\/\//i.test(url);
}

function fail(what: string): never {
  throw new WsnAddressError(what);
}

function checkIPv6(h: string): void {
  if (!/^[0-9a-f:.]+$/.test(h) || !h.includes(':')) fail(`bad IPv6 literal [${h}]`);
  try {
    new URL(`http://[${h}]/`);
  } catch {
    fail(`bad IPv6 literal [${h}]`);
  }
}

function checkHostName(h: string): void {
  if (h === '') fail('missing host');
  if (/^[0-9.]+$/.test(h)) {
    const parts = h.split('.');
    if (parts.length !== 4 || parts.some((p) => p === '' || Number(p) > 255 || (p.length > 1 && p[0] === '0'))) {
      fail(`bad IPv4 address ${h}`);
    }
    return;
  }
  if (h.endsWith('.onion')) {
    const label = h.slice(0, -'.onion'.length);
    if (!/^[a-z2-7]{56}$/.test(label)) fail(`onion host must be a v3 name (56 base32 characters): ${h}`);
    return;
  }
  if (h.length > 253) fail('host name longer than 253 characters');
  for (const label of h.replace(/\.$/, '').split('.')) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) fail(`bad host name ${h}`);
  }
}

function parsePort(s: string, scheme: WsnScheme): number {
  if (s === undefined) return DEFAULT_PORT[scheme];
  if (s === '') fail('empty port after ":"');
  if (!/^[0-9]+$/.test(s)) fail(`port ${s} is not a number`);
  const port = Number(s);
  if (port < 1 || port > 65535) fail(`port ${s} out of range`);
  return port;
}

// Throws WsnAddressError naming the part that is wrong.
export function parseWsnAddress(url: string): WsnAddress {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(url.trim());
  if (!m) fail('not a URL: expected wsn://npub1…@host:port');
  const scheme = m[1].toLowerCase();
  if (scheme !== 'wsn' && scheme !== 'wsns') fail(`scheme ${m[1]} is not wsn or wsns`);
  const rest = m[2];
  if (rest.includes('#')) fail('a wsn address has no fragment (#…)');
  const cut = rest.search(/[/?]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  let path = cut < 0 ? '/' : rest.slice(cut);
  if (path.startsWith('?')) path = '/' + path;
  if (/\s/.test(path)) fail('path contains whitespace');

  const at = authority.lastIndexOf('@');
  if (at < 0 && /^(npub1[a-z0-9]+|[0-9a-fA-F]{64})$/i.test(authority)) {
    let relayKey: Uint8Array;
    try {
      relayKey = parsePublicKey(authority);
    } catch (e) {
      fail((e as Error).message);
    }
    return { scheme, relayKey, npub: npubEncode(relayKey), host: '', port: 0, path };
  }
  if (at < 0) fail('missing relay key: expected wsn://npub1…@host (or wsn://npub1… alone)');
  const key = authority.slice(0, at);
  if (key.includes('@') || key.includes(':')) fail('bad relay key: userinfo must be just the npub or hex key');
  if (key === '') fail('missing relay key before "@"');
  let relayKey: Uint8Array;
  try {
    relayKey = parsePublicKey(key);
  } catch (e) {
    fail((e as Error).message);
  }

  const hostPort = authority.slice(at + 1).toLowerCase();
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) fail('IPv6 literal lacks its closing "]"');
    host = hostPort.slice(1, close);
    checkIPv6(host);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(`unexpected "${after}" after IPv6 literal`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colons = hostPort.split(':').length - 1;
    if (colons > 1) fail('IPv6 literal needs brackets');
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
    checkHostName(host);
  }
  const port = parsePort(portText as string, scheme);
  return { scheme, relayKey, npub: npubEncode(relayKey), host, port, path };
}

// No host: the relay must be found by its key first (discovery.ts).
export function isKeyOnly(a: WsnAddress): boolean {
  return a.host === '';
}

function hostPart(a: WsnAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return a.port === DEFAULT_PORT[a.scheme] ? host : `${host}:${a.port}`;
}

// Canonical form: npub, lowercase host, IPv6 in brackets, default port omitted.
export function formatWsnAddress(a: WsnAddress): string {
  const where = isKeyOnly(a) ? '' : `@${hostPart(a)}`;
  return `${a.scheme}://${a.npub}${where}${a.path === '/' ? '' : a.path}`;
}

// The URL of the WebSocket that carries the session: ws:// for wsn, wss:// for wsns.
export function carrierUrl(a: WsnAddress): string {
  const scheme = a.scheme === 'wsn' ? 'ws' : 'wss';
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${scheme}://${host}:${a.port}${a.path}`;
}
