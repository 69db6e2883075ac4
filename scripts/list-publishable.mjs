// Prints the folder of every publishable package, one per line (for shell loops in .ci/run);
// with --with-tests, only those whose package.json has a `test` script.
import { publishablePackages } from './packages.mjs';

const withTests = process.argv.includes('--with-tests');
for (const { dir, manifest } of publishablePackages()) {
  if (!withTests || typeof manifest.scripts?.test === 'string') console.log(dir);
}
