import type { AnyNode, Element } from 'domhandler';
import { walkElements } from '../document.js';

/**
 * parsel's `remove_namespaces()` on a domhandler tree parsed as XML: element and attribute
 * names lose their prefix and the `xmlns` declarations go, so plain names match in XPath and CSS.
 */
export function removeNamespaces(root: AnyNode): void {
  walkElements(root, (el: Element) => {
    const colon = el.name.indexOf(':');
    if (colon >= 0) el.name = el.name.slice(colon + 1);
    const attribs: Record<string, string> = {};
    let changed = false;
    for (const [name, value] of Object.entries(el.attribs)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        changed = true;
        continue;
      }
      const c = name.indexOf(':');
      if (c >= 0) changed = true;
      attribs[c >= 0 ? name.slice(c + 1) : name] = value;
    }
    if (changed) el.attribs = attribs;
  });
}
