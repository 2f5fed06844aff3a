// The demo page: nostr-tools' Relay with WsnWebSocket as its WebSocket.
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { npubEncode, WsnWebSocket } from '../dist/index.js';

const $ = (id) => document.getElementById(id);
const hexToBytes = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));

// Directory relays for key-only addresses (wsn://npub1…): ?directory=URL, repeatable.
const directories = new URLSearchParams(location.search).getAll('directory');

// nostr-tools reports any failure as "connection failed": keep wsn's own reason.
let lastError = '';
class DemoWebSocket extends WsnWebSocket {
  constructor(url, protocols) {
    super(url, protocols, { directories });
    this.addEventListener('error', (ev) => (lastError = ev.message || ''));
  }
}
useWebSocketImplementation(DemoWebSocket);

const secretKey = generateSecretKey();
$('pubkey').textContent = npubEncode(hexToBytes(getPublicKey(secretKey)));
let relay = null;
const shown = new Map(); // id -> event

function setStatus(text, cls = '') {
  $('status').textContent = text;
  $('status').className = cls;
}

function render() {
  const list = [...shown.values()].sort((a, b) => b.created_at - a.created_at).slice(0, 20);
  $('events').replaceChildren(...list.map((ev) => {
    const li = document.createElement('li');
    li.dataset.id = ev.id;
    const content = document.createElement('div');
    content.className = 'content';
    content.textContent = ev.content;
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${new Date(ev.created_at * 1000).toLocaleString()} · ${npubEncode(hexToBytes(ev.pubkey)).slice(0, 16)}…`;
    li.append(content, meta);
    return li;
  }));
}

async function connect(address) {
  relay?.close();
  relay = null;
  shown.clear();
  render();
  $('publish').disabled = true;
  $('relay-key').textContent = '—';
  setStatus('connecting…');
  lastError = '';
  try {
    const r = await Relay.connect(address);
    relay = r;
    $('relay-key').textContent = r.ws.relayNpub ?? '(plain WebSocket: no key checked)';
    setStatus('connected', 'ok');
    $('publish').disabled = false;
    r.onclose = () => setStatus(`disconnected${lastError ? `: ${lastError}` : ''}`, 'error');
    r.subscribe([{ kinds: [1], limit: 20 }], {
      onevent(ev) {
        shown.set(ev.id, ev);
        render();
      },
    });
  } catch (e) {
    setStatus(lastError || `failed: ${e?.message ?? e}`, 'error');
  }
}

$('connect-form').addEventListener('submit', (e) => {
  e.preventDefault();
  connect($('address').value.trim());
});

$('publish-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const content = $('note').value;
  if (!relay || !content) return;
  const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, secretKey);
  $('publish-status').textContent = 'publishing…';
  try {
    await relay.publish(ev);
    $('publish-status').textContent = `published ${ev.id.slice(0, 12)}…`;
    $('note').value = '';
  } catch (err) {
    $('publish-status').textContent = `refused: ${err?.message ?? err}`;
  }
});

const preset = new URLSearchParams(location.search).get('relay');
if (preset) $('address').value = preset;
