import type SharpType from 'sharp';
import { MediaDependencyError } from './errors.js';

export type Sharp = typeof SharpType;

let loading: Promise<Sharp> | null = null;

/**
 * Loads `sharp` on first use only, so crawls without ImagesPipeline never load its native
 * binary. A missing or broken install is one clear error naming the fix.
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then(
    (m) => m.default,
    (err: unknown) => {
      loading = null;
      throw new MediaDependencyError(
        `ImagesPipeline needs the "sharp" package (prebuilt image library), which could not be loaded: ${(err as Error)?.message ?? err}. Install it with: npm install sharp`,
        { cause: err },
      );
    },
  );
  return loading;
}
