// Reads the shared third-party vectors as they are (../../../shared/vectors from
// clients/js, or $WSN_VECTORS_DIR).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const vectorsDir = process.env.WSN_VECTORS_DIR ?? resolve(here, '../../../../../shared/vectors');

export function loadJson(name) {
  return JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
}

export function unhex(s) {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function hex(b) {
  return Buffer.from(b).toString('hex');
}
