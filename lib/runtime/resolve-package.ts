/** Where a package file is in the app's node_modules (resolved from the app's own package.json). */
import { createRequire } from "node:module";
import path from "node:path";

export function resolvePackage(spec: string, root: string = process.cwd()): string {
  return createRequire(path.join(/*turbopackIgnore: true*/ root, "package.json")).resolve(spec);
}
