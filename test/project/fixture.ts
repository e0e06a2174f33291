import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  }
}

/** The files of a small project: two spiders, settings, pipelines, and a tiny vendored npm package. */
export function projectFiles(extraCfg = ''): Record<string, string> {
  return {
    'scrapy.cfg': `[settings]\ndefault = myproject.settings\n\n[deploy]\nproject = myproject\n${extraCfg}`,
    'src/settings.ts': `export const BOT_NAME = 'myproject';\nexport const ITEM_PIPELINES = { PricePipeline: 300 };\nexport const lowercase = 'not a setting';\n`,
    'src/spiders/a.ts': `import { Spider } from 'tscrapy';\nimport { slug } from 'tiny-slug';\nexport class ASpider extends Spider {\n  override name = 'a';\n  override startUrls = ['http://127.0.0.1/' + slug('Hello World')];\n}\nexport abstract class BaseSpider extends Spider {}\n`,
    'src/spiders/nested/b.ts': `import { Spider } from 'tscrapy';\nexport default class BSpider extends Spider {\n  override name = 'b';\n}\n`,
    'src/pipelines.ts': `export class PricePipeline {\n  processItem(item: Record<string, unknown>) { return { ...item, price: Number(item.price) }; }\n}\nexport const NOT_A_CLASS = 1;\n`,
    'src/spiders/helpers.test.ts': `throw new Error('test files are not bundled');\n`,
    'node_modules/tiny-slug/package.json': JSON.stringify({ name: 'tiny-slug', version: '1.0.0', main: 'index.js' }),
    'node_modules/tiny-slug/index.js': `exports.slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-');\n`,
  };
}

/** A fresh temp folder holding the fixture project; returns its path. */
export async function makeProject(extraCfg = '', extraFiles: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tscrapy-proj-'));
  await writeTree(root, { ...projectFiles(extraCfg), ...extraFiles });
  return root;
}
