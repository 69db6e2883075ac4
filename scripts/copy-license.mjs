// Copies the root LICENSE into a publishable package, so that its tarball carries it (npm packs a
// package's own folder only). Run by each package's `prepack` (from the package's folder: that
// package only, since turbo packs packages in parallel and one package must never rewrite a file
// another is packing), or from anywhere else (the root, scripts/) for every publishable package.
// The copies are git-ignored.
// Written to a temporary name and renamed, so that no reader ever sees a half-written file.
import { copyFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, publishablePackages } from './packages.mjs';

const here = resolve(process.cwd());
const packages = publishablePackages().map(({ path }) => resolve(path));
// From a package's folder (its prepack): that package only; from anywhere else: every package.
const targets = packages.includes(here) ? [here] : packages;

for (const dir of targets) {
  const temporary = join(dir, `.LICENSE.${process.pid}.tmp`);
  copyFileSync(join(ROOT, 'LICENSE'), temporary);
  renameSync(temporary, join(dir, 'LICENSE'));
}
