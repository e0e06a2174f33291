import assert from 'node:assert/strict';
import type { AnyNode } from 'domhandler';

/**
 * Every field parse5's htmlparser2 tree adapter sets on a node, and the node's links (checked
 * on the way), as plain data in document order, to compare two trees node by node. Iterative,
 * so deep trees do not overflow the stack.
 */
export function dumpTree(root: AnyNode): unknown[] {
  const out: unknown[] = [];
  const stack: AnyNode[] = [root];
  while (stack.length) {
    const n = stack.pop()! as AnyNode & Record<string, unknown>;
    const children = (n as { children?: AnyNode[] }).children ?? [];
    children.forEach((c, i) => {
      assert.equal(c.parent, n, 'parent link');
      assert.equal(c.prev, children[i - 1] ?? null, 'prev link');
      assert.equal(c.next, children[i + 1] ?? null, 'next link');
    });
    out.push([
      n.type,
      n.constructor.name,
      n.name,
      n.namespace,
      n.data,
      n.attribs && Object.getPrototypeOf(n.attribs),
      n.attribs && Object.entries(n.attribs as object),
      n['x-attribsNamespace'] && Object.entries(n['x-attribsNamespace'] as object),
      n['x-attribsPrefix'] && Object.entries(n['x-attribsPrefix'] as object),
      n['x-mode'],
      n['x-name'],
      n['x-publicId'],
      n['x-systemId'],
      children.length,
    ]);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}
