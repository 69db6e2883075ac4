// A run's results as JSON in bench/results/ (git-ignored), and the latest one back, so that the
// report, the charts and the README headline can be rendered again without re-running.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = new URL('../results/', import.meta.url);

/** The run's results as plain data: frameworks and scenarios without their functions. */
export function storable(results) {
  return {
    ...results,
    frameworks: results.frameworks.map(({ id, title, peer, ours, listen }) => ({
      id,
      title,
      peer,
      ours,
      http: typeof listen === 'function',
    })),
    scenarios: results.scenarios.map(({ id, title, policy, hostile, origins }) => ({
      id,
      title,
      policy,
      hostile: hostile === true,
      origins: origins ?? null,
    })),
  };
}

/** Writes `results` (already storable) to bench/results/<date>-<mode>.json; returns its path. */
export async function saveResults(results) {
  await mkdir(DIR, { recursive: true });
  const file = new URL(`${results.meta.date.replace(/[:.]/g, '-')}-${results.meta.mode}.json`, DIR);
  await writeFile(file, JSON.stringify(results, null, 2));
  return fileURLToPath(file);
}

/**
 * Reads `path`, or else the latest full run in bench/results/, or else the latest run of any mode.
 * Resolves with { file, results }.
 */
export async function loadResults(path) {
  // A path is relative to where `npm run` was typed (npm's INIT_CWD), not to bench/.
  let file = path && resolve(process.env.INIT_CWD ?? process.cwd(), path);
  if (!file) {
    const names = (await readdir(DIR).catch(() => [])).filter((n) => n.endsWith('.json')).sort();
    const name = names.filter((n) => n.endsWith('-full.json')).at(-1) ?? names.at(-1);
    if (!name) throw new Error('no results in bench/results/: run `npm run bench` first');
    file = fileURLToPath(new URL(name, DIR));
  }
  return { file, results: JSON.parse(await readFile(file, 'utf8')) };
}
