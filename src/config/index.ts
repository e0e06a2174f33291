/**
 * `tscrapy/config`: scrapy.cfg and its layers, INI files, `$VAR` expansion, and the credentials
 * of deploy targets (netrc, the OS keychain).
 */
export { loadConfig, configSources, closestConfig, LayeredConfig, type ConfigOptions, type ConfigValue } from './config-files.js';
export { expandEnv } from './expand.js';
export { parseIni, readIniFile, type IniSections } from './ini-file.js';
export { parseNetrc, findNetrcEntry, lookupNetrc, netrcPath, type NetrcEntry, type NetrcLookup } from './netrc.js';
export { resolveCredentials, credentialKey, type Credentials, type CredentialResult, type CredentialTarget } from './credentials.js';
export { keychainGet, keychainSet, keychainDelete, KEYCHAIN_SERVICE } from './keychain.js';
export { ConfigSyntaxError, KeychainUnavailableError, ConfigInterpolationError } from './errors.js';
