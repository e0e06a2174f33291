import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/** A project or spider name that cannot be used. Exit code 2. */
export class InvalidNameError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_INVALID_NAME';
}

/** The target folder or file exists (a non-empty folder, a spider file, a spider name taken). Exit code 2. */
export class TargetExistsError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_TARGET_EXISTS';
}

/** An unknown template, or a template that uses a placeholder nobody fills. */
export class TemplateError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_TEMPLATE';
}

/** tscrapy's own files (templates, package.json) cannot be found: a broken install. Exit code 1. */
export class ScaffoldInstallError extends TscrapyError {
  override readonly code = 'TSC_ERR_SCAFFOLD_INSTALL';
}
