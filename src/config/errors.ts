import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/** A scrapy.cfg file cannot be read or is malformed. The message names the file and line. Exit code 2. */
export class ConfigSyntaxError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_CONFIG_SYNTAX';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** The OS keychain cannot be used: the optional module is missing, or no keychain service runs. */
export class KeychainUnavailableError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_KEYCHAIN_UNAVAILABLE';
}

/**
 * A scrapy.cfg value whose `%(name)s` / `%%` interpolation fails (ConfigParser's
 * InterpolationMissingOptionError, InterpolationSyntaxError, InterpolationDepthError). The message
 * names the file, section and key. Exit code 2.
 */
export class ConfigInterpolationError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_CONFIG_INTERPOLATION';
  constructor(
    readonly file: string,
    readonly section: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${file}: [${section}] ${key}: ${detail}`);
  }
}
