import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempTree } from '../cli/helpers.js';

const COMMANDS = ['crawl', 'runspider', 'list', 'fetch', 'parse', 'shell', 'bench', 'settings', 'version'];

describe('help', { timeout: 300_000 }, () => {
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
      // Scrapy users type -h: it is the same help, for every command (crawl and runspider start elsewhere).
      for (const c of ['crawl', 'runspider', 'deploy']) {
        const short = await runCli([c, '-h'], dir);
        assert.equal(short.code, 0, `${c} -h: ${short.stderr}`);
        assert.equal(short.stdout, (await runCli([c, '--help'], dir)).stdout, `${c} -h`);
      }
      const crawl = await runCli(['crawl', '--help'], dir);
      for (const flag of ['-s, --set=NAME=VALUE', '-a, --arg=NAME=VALUE', '-o, --output=FILE[:FORMAT]', '-O, --overwrite-output', '--redis=URL', '--json-stats=FILE']) {
        assert.ok(crawl.stdout.includes(flag), flag);
      }
    } finally {
      await cleanup();
    }
  });

  // Descriptions are hard-wrapped in the source at ~100 columns; at 80 columns (or when piped,
  // which oclif treats as 80) a source line break in mid-sentence left a short line behind.
  it('--help is wrapped to the width (piped: 80 columns; 120), with no ragged line breaks', async () => {
    const { dir, cleanup } = await tempTree();
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as { commands: Record<string, unknown> };
    try {
      const every = [['--help'], ...Object.keys(manifest.commands).map((c) => [c, '--help'])];
      // Piped (oclif then uses 80 columns) for every page; a wider terminal for two of them.
      const runs: Array<[string, number, string[][]]> = [
        ['', 80, every],
        ['120', 120, [['deploy', '--help'], ['crawl', '--help']]],
      ];
      for (const [columns, width, pages] of runs) {
        const env = { OCLIF_COLUMNS: columns };
        for (const args of pages) {
          const r = await runCli(args, dir, { env });
          assert.equal(r.code, 0, r.stderr);
          const what = `${args.join(' ')} at ${columns || 'piped'}`;
          // Example commands stay whole so that they can be copied.
          const text = r.stdout.replace(/\nEXAMPLES\n[\s\S]*$/, '');
          for (const line of text.split('\n')) assert.ok(line.length <= width, `${what}: ${line.length} columns: ${line}`);
          const description = /\nDESCRIPTION\n([\s\S]*?)(?:\n\n[A-Z]+\n|$)/.exec(text)?.[1] ?? '';
          const lines = description.split('\n');
          for (let i = 1; i < lines.length; i++) {
            const [a, b] = [lines[i - 1]!, lines[i]!];
            const indentA = a.length - a.trimStart().length;
            const indentB = b.length - b.trimStart().length;
            // b continues a's sentence (not a new table row): the first word of b must not have fitted on a.
            const row = /^\s+\S+\s{2,}\S/.test(b);
            if (a.trim() && !row && /^[a-z(]/.test(b.trimStart()) && indentB >= indentA) {
              const word = b.trimStart().split(' ')[0]!;
              assert.ok(a.length + 1 + word.length > width, `${what}: ragged break after ${JSON.stringify(a)} (next: ${JSON.stringify(word)})`);
            }
          }
        }
      }
    } finally {
      await cleanup();
    }
  });

  it('table rows in a description keep their indentation and wrap under their text column', async () => {
    const { dir, cleanup } = await tempTree();
    try {
      const r = await runCli(['crawl', '--help'], dir, { env: { OCLIF_COLUMNS: '80' } });
      assert.match(r.stdout, /\n {2}Exit codes:\n {4}0 {2}the crawl finished: reason finished, shutdown \(Ctrl-C or SIGTERM once\) or\n {7}a CLOSESPIDER_\* limit/);
    } finally {
      await cleanup();
    }
  });
});
