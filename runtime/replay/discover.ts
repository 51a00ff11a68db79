/**
 * Which files to replay: every `*.json` under the given paths (folders are
 * walked recursively, in name order), minus the database schema and seed
 * files, which live under fixtures/ too.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../shared/usage-error.ts';

export interface DiscoverOptions {
  /** Files never taken as fixtures even when inside a folder walked (the schema and seed). */
  exclude?: readonly string[];
}

/** Absolute paths, sorted, without duplicates. A path that does not exist is a UsageError. */
export function discoverFixtureFiles(paths: readonly string[], cwd: string, options: DiscoverOptions = {}): string[] {
  const exclude = new Set((options.exclude ?? []).map((p) => path.resolve(cwd, p)));
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      throw new UsageError(`fixture path not found: ${given}`);
    }
    if (!stat.isDirectory()) {
      found.add(absolute);
      continue;
    }
    for (const file of walk(absolute)) if (!exclude.has(file)) found.add(file);
  }
  return [...found].sort();
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) out.push(full);
  }
  return out;
}
