import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempTree } from '../cli/helpers.js';

const COMMANDS = ['crawl', 'runspider', 'list', 'fetch', 'parse', 'shell', 'bench', 'settings', 'version'];

describe('help', { timeout: 60_000 }, () => {
  it('the oclif manifest lists every command (so --help does not import them)', () => {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as { commands: Record<string, unknown> };
    for (const c of COMMANDS) assert.ok(c in manifest.commands, c);
  });

  it('every command has --help with examples, exit codes and the log flags', async () => {
    const { dir, cleanup } = await tempTree();
    try {
      const root = await runCli(['--help'], dir);
      assert.equal(root.code, 0);
      for (const c of COMMANDS) assert.match(root.stdout, new RegExp(`^  ${c} `, 'm'));
      for (const c of COMMANDS) {
        const r = await runCli([c, '--help'], dir);
        assert.equal(r.code, 0, `${c}: ${r.stderr}`);
        assert.match(r.stdout, /EXAMPLES\n(?:.*\n){2,}/, `${c} has examples`);
        assert.match(r.stdout, /Exit codes/i, `${c} states its exit codes`);
        assert.match(r.stdout, /-L, --loglevel/, c);
        assert.match(r.stdout, /--logfile/, c);
        assert.match(r.stdout, /--nolog/, c);
      }
      const crawl = await runCli(['crawl', '--help'], dir);
      for (const flag of ['-s, --set=NAME=VALUE', '-a, --arg=NAME=VALUE', '-o, --output=FILE[:FORMAT]', '-O, --overwrite-output', '--redis=URL', '--json-stats=FILE']) {
        assert.ok(crawl.stdout.includes(flag), flag);
      }
    } finally {
      await cleanup();
    }
  });
});
