// Checks what the registry page and a consumer need from every publishable package's
// package.json: licence, repository (with the package's directory, so that relative README links
// resolve on the registry), homepage, bugs, author, keywords naming the package's own subject,
// `files` with the LICENSE and CHANGELOG.md, engines equal to the root's, and a prepack that copies
// the LICENSE. Prints one line per problem, naming the package and the field; exits 1 on any.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, publishablePackages } from './packages.mjs';

const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const repoUrl = root.repository?.url;
const problems = [];
const packages = publishablePackages();

for (const { dir, manifest } of packages) {
  const say = (field, message) => problems.push(`${dir}/package.json: ${field}: ${message}`);
  if (manifest.license !== 'MIT') say('license', `is ${manifest.license}; write "MIT"`);
  if (manifest.repository?.url !== repoUrl)
    say('repository.url', `is ${manifest.repository?.url}; write the root's, ${repoUrl}`);
  if (manifest.repository?.directory !== dir)
    say('repository.directory', `is ${manifest.repository?.directory}; write "${dir}"`);
  if (typeof manifest.homepage !== 'string' || !manifest.homepage.includes(`/${dir}`))
    say('homepage', `is ${manifest.homepage}; link the package's folder (${dir})`);
  if (typeof manifest.bugs?.url !== 'string') say('bugs.url', 'is missing');
  if (typeof manifest.author !== 'string' || manifest.author === '') say('author', 'is missing');
  const keywords = manifest.keywords ?? [];
  if (!keywords.includes('cors')) say('keywords', 'must include "cors"');
  for (const required of ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!(manifest.files ?? []).includes(required)) say('files', `must list "${required}"`);
  }
  if (manifest.engines?.node !== root.engines?.node)
    say('engines.node', `is ${manifest.engines?.node}; write the root's, ${root.engines?.node}`);
  if (!String(manifest.scripts?.prepack ?? '').includes('copy-license'))
    say('scripts.prepack', 'must run node ../../scripts/copy-license.mjs (the LICENSE copy)');
}

// Keywords that are the same for every package say nothing about any one of them.
const sets = packages.map(({ manifest }) => JSON.stringify([...(manifest.keywords ?? [])].sort()));
for (const [index, { dir }] of packages.entries()) {
  if (sets.indexOf(sets[index]) !== index)
    problems.push(
      `${dir}/package.json: keywords: the same as another package's; name its framework`,
    );
}

for (const problem of problems) console.error(problem);
console.log(
  `package metadata: ${packages.length} publishable packages, ${problems.length} problem(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
