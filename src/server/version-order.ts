import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';

/**
 * Natural ("loose") comparison: digit runs compare as numbers, other runs as text, so
 * `r10` > `r9` and `1.10` > `1.9`. Like distutils' LooseVersion, which Scrapyd falls back to.
 */
export function compareNatural(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d.\-_+]+/g) ?? [];
  const pb = b.match(/\d+|[^\d.\-_+]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (nx !== ny) {
      return nx ? 1 : -1; // numbers sort after words, as LooseVersion does on Python 2
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Versions in ascending order, latest last (Scrapyd's order): PEP 440 when every version
 * parses (so `1.0rc1` < `1.0` < `1.0.post1`), natural order otherwise — one rule for the
 * whole list keeps the order transitive. Equal versions (`1.0` vs `1.0.0`) tie-break by text.
 */
export function sortVersions(versions: readonly string[]): string[] {
  const allPep = versions.every((v) => pep440Valid(v) !== null);
  const cmp = allPep
    ? (a: string, b: string) => pep440Compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
    : compareNatural;
  return [...versions].sort(cmp);
}
