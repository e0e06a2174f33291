/**
 * Expands `$VAR` and `${VAR}` from `env`, like Python's `os.path.expandvars` that
 * scrapyd-client applies to scrapy.cfg values: a variable that is not set stays as written
 * (`$NOPE` stays `$NOPE`), so a literal `$` in a password survives when no such variable exists.
 */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!value.includes('$')) return value;
  return value.replace(/\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const v = env[name];
    return v === undefined ? whole : v;
  });
}
