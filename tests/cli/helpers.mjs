// Shared by the command-line tests: run build/tongdai (TONGDAI_BIN) on a data directory.
import { spawnSync } from 'node:child_process';

export const BIN = process.env.TONGDAI_BIN;

/** Run `tongdai ARGS` with TONGDAI_DATA=dataDir and argon2id at its cheapest; input on stdin. */
export function tongdai(dataDir, args, { input = '', env = {} } = {}) {
  return spawnSync(BIN, args, {
    env: { ...process.env, TONGDAI_DATA: dataDir, TONGDAI_AUTH_PWHASH_OPS: '1', TONGDAI_AUTH_PWHASH_MEM_KIB: '8', ...env },
    input,
    encoding: 'utf8',
    timeout: 30000,
  });
}
