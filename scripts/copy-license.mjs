// Copies the root LICENSE into every publishable package, so that each tarball carries it (npm
// packs a package's own folder only). Run by each package's `prepack` and by the release scripts;
// the copies are git-ignored.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, publishablePackages } from './packages.mjs';

for (const { path } of publishablePackages()) {
  copyFileSync(join(ROOT, 'LICENSE'), join(path, 'LICENSE'));
}
