import { Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { VERSION } from '../crawler/settings/defaults.js';

export interface VersionResult {
  tscrapy: string;
  node?: string;
  platform?: string;
  dependencies?: Record<string, string>;
}

const KEY_DEPS = ['undici', 'parse5', 'css-select', 'esbuild', 'tar', '@oclif/core'];

export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Print the tscrapy version (and, with -v, Node and key dependencies).';
  static override description = 'Exit codes: 0 ok.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -v', '<%= config.bin %> <%= command.id %> -v --json'];
  static override enableJsonFlag = true;
  static override flags = {
    verbose: Flags.boolean({ char: 'v', summary: 'Also print Node, the platform and key dependency versions.' }),
  };

  async run(): Promise<VersionResult> {
    const result: VersionResult = { tscrapy: VERSION };
    if (this.flags.verbose) {
      const require = createRequire(import.meta.url);
      result.node = process.version;
      result.platform = `${process.platform}-${process.arch}`;
      result.dependencies = {};
      for (const dep of KEY_DEPS) {
        result.dependencies[dep] = packageVersion(require, dep) ?? 'not found';
      }
    }
    if (!this.jsonEnabled()) {
      if (!this.flags.verbose) this.log(`tscrapy ${VERSION}`);
      else {
        this.log(`tscrapy    : ${VERSION}`);
        this.log(`Node       : ${result.node}`);
        this.log(`Platform   : ${result.platform}`);
        for (const [k, v] of Object.entries(result.dependencies ?? {})) this.log(`${k.padEnd(11)}: ${v}`);
      }
    }
    return result;
  }
}

/** A dependency's version, found by walking up from its entry point (some packages do not export package.json). */
function packageVersion(require: NodeJS.Require, name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return undefined;
}
