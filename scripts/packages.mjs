// The workspace's publishable packages: every packages/* whose package.json is not private.
// Shared by the scripts that copy the licence, check the metadata and smoke-test the tarballs, so
// that a package added later is picked up by all three without editing a list.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** @returns {{ dir: string, path: string, manifest: Record<string, any> }[]} */
export function publishablePackages() {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDir, entry.name))
    .filter((path) => existsSync(join(path, 'package.json')))
    .map((path) => ({
      dir: path.slice(ROOT.length).replaceAll('\\', '/'),
      path,
      manifest: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}
