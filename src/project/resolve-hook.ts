/**
 * Module resolve hook (registered by load.ts with `module.register()`): makes `import … from
 * 'tscrapy'` in a bundle or spider file resolve to the tscrapy that is running, wherever the
 * file sits and whether or not a node_modules is near it. Hooks run on a separate thread, so the
 * target URL arrives through `initialize(data)`.
 */

interface HookData {
  /** file: URL of the running tscrapy's entry module (dist/index.js). */
  tscrapyUrl: string;
}

type NextResolve = (specifier: string, context?: unknown) => Promise<{ url: string; format?: string | null; shortCircuit?: boolean }>;

let target: string | undefined;

export function initialize(data: HookData | undefined): void {
  target = data?.tscrapyUrl;
}

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<{ url: string; format?: string | null; shortCircuit?: boolean }> {
  if (target && specifier === 'tscrapy') {
    // Passed down the chain (not short-circuited) so other loaders (tsx in development) still apply.
    return nextResolve(target, context);
  }
  return nextResolve(specifier, context);
}
