// Regression: a server started from a background shell job inherits SIGINT/SIGTERM as ignored.
// Linux discards an ignored signal even while it is blocked, so the server's sigwait never saw
// it and `make test` hung forever in the graceful-shutdown tests when run in the background.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';

import { BIN, mergeEnv, tempDir } from './helpers.mjs';

for (const sig of ['SIGINT', 'SIGTERM']) {
  test(`${sig} stops a server that inherited it as ignored`, async () => {
    const dataDir = tempDir();
    const proc = spawn(
      '/bin/sh',
      ['-c', `trap '' INT TERM; exec "$0" serve --data "$1" --listen 127.0.0.1:0`, BIN, dataDir],
      { env: mergeEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
    let out = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no listening line')), 20000);
      proc.stdout.on('data', (d) => {
        out += d;
        if (/listening on/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    proc.kill(sig);
    const killer = setTimeout(() => proc.kill('SIGKILL'), 8000);
    const r = await exited;
    clearTimeout(killer);
    assert.deepEqual(r, { code: 0, signal: null });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
}
