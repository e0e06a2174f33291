import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/** No scrapy.cfg in the folder or any parent. Exit code 2. */
export class ProjectNotFoundError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_PROJECT_NOT_FOUND';
}

/** scrapy.cfg's [settings] names a module that does not exist, or a spiders path is missing. Exit code 2. */
export class ProjectConfigError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_PROJECT_CONFIG';
}

/** One esbuild diagnostic, with its place in the source. */
export interface BuildDiagnostic {
  file?: string;
  line?: number;
  column?: number;
  text: string;
  lineText?: string;
}

/** esbuild failed (syntax or resolve error, refused native addon). The message has file:line:column per error. */
export class BuildError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_BUILD';
  constructor(
    readonly diagnostics: BuildDiagnostic[],
    summary = 'Build failed',
  ) {
    super(`${summary}:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  }
}

export function formatDiagnostic(d: BuildDiagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 0}:${d.column ?? 0}: ` : '';
  const src = d.lineText ? `\n    ${d.lineText.trim()}` : '';
  return `  ${where}error: ${d.text}${src}`;
}

/** Two spider classes have the same `name`. The message names both classes and files. */
export class DuplicateSpiderError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_DUPLICATE_SPIDER';
}

/** A built bundle could not be imported or does not export `spiders`, `settings`, `components`. */
export class ProjectLoadError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_PROJECT_LOAD';
}

/** `crawl NAME` for a name no spider has. The message lists the available names. Exit code 2. */
export class SpiderNotFoundError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_SPIDER_NOT_FOUND';
}
