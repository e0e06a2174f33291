import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/** The named deploy target is not in any scrapy.cfg. Exit code 2. */
export class UnknownTargetError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_UNKNOWN_TARGET';
}

/** The server could not be reached (refused, DNS, timeout). Exit code 1. */
export class ServerUnreachableError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_SERVER_UNREACHABLE';
}

/** The TLS handshake failed (bad or self-signed certificate, name mismatch). Exit code 1. */
export class TlsError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_TLS';
}

/** The server answered 401/403: the message says where credentials were looked for. Exit code 1. */
export class AuthenticationError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_AUTHENTICATION';
}

/** The server answered with an error status or `"status": "error"`. Exit code 1. */
export class ServerError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_SERVER';
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

/**
 * A deploy target or option that cannot be used: no url or a bad one, an empty or invalid project
 * name or version, a GIT/HG version outside a repository. Found before anything is built or
 * uploaded; the message names the key and where it was set. Exit code 2.
 */
export class DeployConfigError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_DEPLOY_CONFIG';
}

/** One or more targets of `deploy -a` failed (each one's error was reported as it happened). Exit code 1. */
export class DeployFailedError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_DEPLOY_FAILED';
  constructor(
    message: string,
    /** What each target gave: its result, or its error's code and message. */
    readonly details: { deployed: unknown[]; failed: Array<{ target: string; code: string; message: string }> },
  ) {
    super(message);
  }
}
