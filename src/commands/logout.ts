import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove a deploy target\'s credentials from the OS keychain.';
  static override description = `Removes what \`tscrapy login TARGET\` stored. Credentials in scrapy.cfg or ~/.netrc are not touched.

Exit codes: 0 removed or nothing stored; 1 the keychain cannot be used; 2 unknown target.`;
  static override examples = ['<%= config.bin %> <%= command.id %> production', '<%= config.bin %> <%= command.id %> --json'];
  static override enableJsonFlag = true;
  static override args = { target: Args.string({ description: 'Target name from scrapy.cfg.', default: 'default', ignoreStdin: true }) };

  async run(): Promise<{ target: string; url: string; removed: boolean }> {
    const { args } = await this.parse(Logout);
    const { loadConfig } = await import('../config/config-files.js');
    const { getTarget } = await import('../deploy/targets.js');
    const { credentialKey } = await import('../config/credentials.js');
    const { keychainDelete, keychainGet } = await import('../config/keychain.js');
    const { KeychainUnavailableError } = await import('../config/errors.js');
    const target = getTarget(await loadConfig(), args.target);
    const key = credentialKey(target.url);
    // Only what can be read counts as stored: a login that failed half-way can leave an entry
    // that the keychain reports as deleted although it never held the credentials.
    const removed = (await keychainGet(key)) !== null;
    if (removed) {
      if (!(await keychainDelete(key))) throw new KeychainUnavailableError(`the OS keychain did not remove the credentials for ${key}`);
    } else {
      await keychainDelete(key).catch(() => false); // a half-stored leftover, if any
    }
    if (!this.jsonEnabled()) this.log(removed ? `Removed the credentials for target ${target.name} (${key}) from the OS keychain.` : `No credentials were stored for target ${target.name} (${key}).`);
    return { target: target.name, url: key, removed };
  }
}
