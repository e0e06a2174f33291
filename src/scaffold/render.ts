import { TemplateError } from './errors.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders. A placeholder without a value is an error naming the template,
 * so a typo in a template fails loudly instead of writing `{{nmae}}` into a user's project.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>, source: string): string {
  return text.replace(PLACEHOLDER, (_m, key: string) => {
    const value = vars[key];
    if (value === undefined) {
      throw new TemplateError(`Template ${source} uses {{${key}}}, which has no value; known placeholders: ${Object.keys(vars).sort().join(', ')}`);
    }
    return value;
  });
}
