// An ES module by package.json "type": "module", in a nested directory.
import { sep } from 'node:path';

export async function lambdaHandler(event) {
  return { statusCode: 200, body: JSON.stringify({ module: 'esm-type-module', sep, resource: event.resource }) };
}
