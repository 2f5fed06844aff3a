// Progress of the data commands (issue 18 item 6): on a terminal `wsn import` and `wsn export`
// redraw a bar with rate and ETA; piped they print only their summary. The terminal is a pty
// made by util-linux's `script` (scripts/deps.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { WSN_BIN } from './lib/relay.mjs';
import { tempDir } from './tools_lib.mjs';

const COUNT = 100000;

// Runs a shell command line under a pseudo-terminal; resolves with what the terminal showed.
function underPty(commandLine, timeout = 120000) {
  return new Promise((resolve, reject) => {
    execFile('script', ['-qfec', commandLine, '/dev/null'], { timeout, maxBuffer: 64 << 20 }, (error, stdout) => {
      if (error) reject(new Error(`${commandLine}: ${error.message}\n${stdout}`));
      else resolve(stdout);
    });
  });
}

// Runs a shell command line with stderr piped; resolves with its exit code and stderr.
function piped(commandLine, timeout = 120000) {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', commandLine], { timeout, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr });
    });
  });
}

// The distinct lines drawn in place ("\r<line>\x1b[K").
const redraws = (screen) => [...new Set(screen.split('\r').map((s) => s.replace(/\x1b\[K.*$/s, '')).filter((s) => s.startsWith('[')))];

test(`import and export of ${COUNT} events: a moving bar on a terminal, only the summary when piped`, async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'events.jsonl');
    const gen = await piped(`'${WSN_BIN}' bench gen --count ${COUNT} --seed 3 --authors 200 --base-time 1790000000 > '${file}'`);
    assert.equal(gen.code, 0, gen.stderr);

    const started = Date.now();
    const screen = await underPty(`'${WSN_BIN}' import '${file}' --data '${join(dir, 'tty')}'`);
    const bars = redraws(screen);
    assert.ok(bars.length >= 3, `several distinct redraws of the bar, got:\n${bars.join('\n')}`);
    for (const b of bars) assert.match(b, /^\[[=> ]+\] +\d+% [\d,]+ lines  [\d,]+\/s  ETA \d+:\d\d$/);
    const percents = bars.map((b) => Number(b.match(/(\d+)%/)[1]));
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'the bar only moves forward');
    assert.match(screen, new RegExp(`imported ${COUNT} lines in [\\d.]+ s \\(\\d+ lines/s\\): ${COUNT} stored`));
    console.log(`import under a pty: ${Date.now() - started} ms, ${bars.length} redraws`);

    const imp = await piped(`'${WSN_BIN}' import '${file}' --data '${join(dir, 'piped')}' --no-verify`);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stderr, new RegExp(`^imported ${COUNT} lines in [\\d.]+ s \\(\\d+ lines/s\\): ${COUNT} stored, 0 duplicate, 0 invalid, 0 refused .*\\n$`));
    assert.ok(!imp.stderr.includes('\r'), 'no bar when stderr is not a terminal');

    const exportScreen = await underPty(`'${WSN_BIN}' export --data '${join(dir, 'tty')}' > /dev/null`);
    const exportBars = redraws(exportScreen);
    // Export may take less than one redraw interval (100 ms) on a fast machine: one bar is enough here.
    assert.ok(exportBars.length >= 1, `export shows its bar, got:\n${exportScreen}`);
    for (const b of exportBars) assert.match(b, /^\[[=> ]+\] +\d+% [\d,]+ events  [\d,]+\/s  ETA \d+:\d\d$/);
    assert.match(exportScreen, new RegExp(`exported ${COUNT} events in [\\d.]+ s`));

    const exp = await piped(`'${WSN_BIN}' export --data '${join(dir, 'piped')}' > '${join(dir, 'out.jsonl')}' && wc -l < '${join(dir, 'out.jsonl')}'`);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal(Number(exp.stdout.trim()), COUNT);
    assert.match(exp.stderr, new RegExp(`^exported ${COUNT} events in [\\d.]+ s \\(\\d+ events/s\\)\\n$`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
