import type { SettingsInput } from './settings/settings.js';
import type { Spider, SpiderClass } from './spider.js';

/**
 * Adopts what a spider ported from Scrapy sets under Scrapy's names, which tscrapy would
 * otherwise ignore (a spider with `start_urls` crawled 0 pages and exited 0): `start_urls`,
 * `allowed_domains`, `custom_settings` (static or instance) and an instance `customSettings`
 * are used as their tscrapy counterparts. Returns one warning per name, telling how to write it;
 * settings found this way are returned for the caller to apply at `spider` priority.
 */
export function adoptScrapyNames(spider: Spider, cls: SpiderClass): { warnings: string[]; settings: SettingsInput[] } {
  const warnings: string[] = [];
  const settings: SettingsInput[] = [];
  const own = spider as unknown as Record<string, unknown>;
  const name = cls.name || 'The spider';
  if (Array.isArray(own['start_urls'])) {
    if (spider.startUrls.length === 0) spider.startUrls = own['start_urls'] as string[];
    warnings.push(`${name} sets start_urls (Scrapy's name); tscrapy's is startUrls: rename it`);
  }
  if (Array.isArray(own['allowed_domains'])) {
    spider.allowedDomains ??= own['allowed_domains'] as string[];
    warnings.push(`${name} sets allowed_domains (Scrapy's name); tscrapy's is allowedDomains: rename it`);
  }
  const staticSnake = (cls as unknown as Record<string, unknown>)['custom_settings'];
  if (isSettings(staticSnake)) {
    settings.push(staticSnake);
    warnings.push(`${name} sets static custom_settings (Scrapy's name); tscrapy's is static customSettings: rename it (LOG_* settings given this way are not applied)`);
  }
  for (const key of ['customSettings', 'custom_settings']) {
    const value = own[key];
    if (!isSettings(value)) continue;
    settings.push(value);
    warnings.push(`${name} sets customSettings on the instance; make it static (static customSettings = { ... }): settings are read before the spider is built (LOG_* settings given this way are not applied)`);
  }
  if (typeof own['start_requests'] === 'function' && typeof own['startRequests'] !== 'function') {
    warnings.push(`${name} defines start_requests() (Scrapy's name), which tscrapy never calls: rename it start() (or startRequests())`);
  }
  if (typeof own['close'] === 'function' && typeof spider.closed !== 'function') {
    warnings.push(`${name} defines close(reason), which tscrapy never calls: rename it closed(reason) (Scrapy's spider-closed hook)`);
  }
  return { warnings, settings };
}

function isSettings(v: unknown): v is SettingsInput {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
