// Flag and argument errors go through BaseCommand.catch for every command: with --json one small
// JSON error object on stdout and exit 2 (oclif's default printed its whole parse state, ~190 KB
// with the config and package.json, and exited 1); without it, oclif's message and usage, exit 2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempTree } from './helpers.js';

interface ManifestCommand {
  enableJsonFlag?: boolean;
  args?: Record<string, { required?: boolean }>;
}

const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as { commands: Record<string, ManifestCommand> };
const jsonCommands = Object.entries(manifest.commands).filter(([, c]) => c.enableJsonFlag);

function assertJsonUsageError(r: { code: number | null; stdout: string; stderr: string }, what: string, message: RegExp): void {
  assert.equal(r.code, 2, `${what}: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  assert.ok(r.stdout.length < 1000, `${what}: ${r.stdout.length} bytes of JSON`);
  const { error } = JSON.parse(r.stdout) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(error), ['code', 'message', 'exit'], what);
  assert.equal(error.code, 'TSC_ERR_USAGE', what);
  assert.equal(error.exit, 2, what);
  assert.match(String(error.message), message, what);
  assert.doesNotMatch(String(error.message), /See more help/, what);
}

describe('flag errors with --json', { timeout: 300_000 }, () => {
  it('every --json command: an unknown flag is one small JSON error and exit 2', async () => {
    assert.ok(jsonCommands.length >= 10, 'the manifest lists the --json commands');
    const { dir, cleanup } = await tempTree();
    try {
      for (const [id] of jsonCommands) {
        assertJsonUsageError(await runCli([id, '--json', '--bogus'], dir), `${id} --json --bogus`, /^Nonexistent flag: --bogus$/);
      }
    } finally {
      await cleanup();
    }
  });

  it('missing arguments and failed flag rules, as the issue lists them', async () => {
    const { dir, cleanup } = await tempTree();
    try {
      for (const [id, c] of jsonCommands) {
        if (!Object.values(c.args ?? {}).some((a) => a.required)) continue;
        assertJsonUsageError(await runCli([id, '--json'], dir), `${id} --json`, /^Missing 1 required arg:\n\w+ /);
      }
      assertJsonUsageError(await runCli(['settings', '--json'], dir), 'settings --json', /^Exactly one of the following must be provided: --get/);
      const text = await runCli(['list', '--bogus'], dir);
      assert.equal(text.code, 2);
      assert.match(text.stderr, /Nonexistent flag: --bogus/);
    } finally {
      await cleanup();
    }
  });

  it('the "allows multiple values" note only when such a flag was given', async () => {
    const { dir, cleanup } = await tempTree();
    try {
      const plain = await runCli(['fetch'], dir);
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /Missing 1 required arg/);
      assert.doesNotMatch(plain.stderr, /multiple values|several values/);
      const withSet = await runCli(['fetch', '-s', 'A=1'], dir);
      assert.equal(withSet.code, 2);
      assert.match(withSet.stderr.replace(/\n ›\s+/g, ' '), /Note: --set takes several values, so give the arguments before it/);
    } finally {
      await cleanup();
    }
  });
});
