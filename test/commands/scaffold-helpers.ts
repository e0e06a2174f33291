import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessResult } from '../support/process.js';

/** The built CLI of this checkout. */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
/** This checkout's root (the tscrapy package a generated project links to). */
export const TSCRAPY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type RunResult = ProcessResult;

/**
 * Runs a command as a child process, killed (the whole process group) after `timeoutMs`.
 * `env` is added to a copy of this process's environment (npm keeps finding its cache).
 */
export function run(command: string, args: string[], cwd: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
  // NODE_TEST_CONTEXT (set by the runner of this test) would make a nested `node --test` report
  // to this runner instead of printing its results.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return runProcess(command, args, {
    cwd,
    env: { ...env, NO_COLOR: '1', OCLIF_COLUMNS: '1000', ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
    group: true,
  });
}

/** Runs the built tscrapy CLI. */
export function tscrapy(args: string[], cwd: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], cwd, options);
}

/** A fresh temp folder and its removal. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
