// A throwaway PostgreSQL for a test file, from scripts/pg.sh (the helper the C++ store
// tests use too): its own folder and Unix socket under /tmp, stopped and removed after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/pg.sh', import.meta.url));
const pg = (...args) => execFileSync(SCRIPT, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function startPg({ replicaOf } = {}) {
  const dir = mkdtempSync('/tmp/wsn-e2e-pg-');
  const url = pg('start', dir, '--fast', ...(replicaOf ? ['--replica-of', replicaOf.dir] : []));
  return {
    dir,
    url,
    stop: () => pg('stop', dir),
    restart: () => pg('restart', dir),
    destroy: () => pg('destroy', dir),
    // Runs SQL as the superuser (psql from the client package).
    sql: (q) => execFileSync('psql', [url, '-XAtqc', q], { encoding: 'utf8' }).trim(),
  };
}
