import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { InvalidArgumentError } from '../crawler/errors.js';

export default class Login extends BaseCommand<typeof Login> {
  static override summary = 'Store a deploy target\'s username and password in the OS keychain.';
  static override description = `Used by deploy when the target has no username in scrapy.cfg and ~/.netrc has no entry for its host.
Needs the optional package @napi-rs/keyring and a keychain service (macOS Keychain, Windows Credential
Manager, or a Secret Service such as gnome-keyring on Linux). On a terminal it asks for the password;
otherwise it reads it from the first line of stdin.

Exit codes: 0 stored; 1 the keychain cannot be used; 2 unknown target or no project config.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> production --username deployer',
    'echo "$SCRAPYD_PASSWORD" | <%= config.bin %> <%= command.id %> production --username deployer',
  ];
  static override enableJsonFlag = true;
  static override args = { target: Args.string({ description: 'Target name from scrapy.cfg.', default: 'default', ignoreStdin: true }) };
  static override flags = {
    username: Flags.string({ char: 'u', summary: 'Username (asked for when omitted on a terminal).' }),
  };

  async run(): Promise<{ target: string; url: string; username: string; stored: true }> {
    const { args } = await this.parse(Login);
    const { loadConfig } = await import('../config/config-files.js');
    const { getTarget } = await import('../deploy/targets.js');
    const { maskUrl } = await import('../crawler/downloader/mask.js');
    const { credentialKey } = await import('../config/credentials.js');
    const { keychainDelete, keychainGet, keychainSet } = await import('../config/keychain.js');
    const { KeychainUnavailableError } = await import('../config/errors.js');
    const { prompt, readStdinLine } = await import('../deploy/prompt.js');
    const target = getTarget(await loadConfig(), args.target);
    const tty = Boolean(process.stdin.isTTY);
    let username = this.flags.username ?? target.username;
    if (username === undefined) {
      if (!tty) throw new InvalidArgumentError('--username is required when stdin is not a terminal');
      username = await prompt(`Username for ${maskUrl(target.url)}: `);
    }
    const password = tty ? await prompt(`Password for ${username}: `, true) : await readStdinLine();
    const key = credentialKey(target.url);
    try {
      await keychainSet(key, { username, password });
    } catch (err) {
      // Leave nothing half-stored behind (a later logout would report removing it).
      await keychainDelete(key).catch(() => false);
      throw err;
    }
    const back = await keychainGet(key);
    if (back?.username !== username || back.password !== password) {
      await keychainDelete(key).catch(() => false);
      throw new KeychainUnavailableError(`the OS keychain did not keep the credentials for ${key} (reading them back gave ${back ? 'other values' : 'nothing'}); use scrapy.cfg (username/password) or ~/.netrc instead`);
    }
    if (!this.jsonEnabled()) this.log(`Stored the credentials of "${username}" for target ${target.name} (${key}) in the OS keychain.`);
    return { target: target.name, url: key, username, stored: true };
  }
}
