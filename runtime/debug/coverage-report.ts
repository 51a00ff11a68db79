/**
 * Coverage as people and CI read it: a line per hook on the terminal, and
 * `lcov.info` (the format CI coverage tools and editors import). The folder is
 * checked before anything runs, so a run is never wasted on a report that
 * cannot be written.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../shared/display-path.ts';
import { UsageError } from '../shared/usage-error.ts';
import type { CoverageData } from './coverage.ts';

export const DEFAULT_COVERAGE_DIR = 'coverage';
export const LCOV_FILE = 'lcov.info';

/** Creates the folder if missing and checks it can be written; a UsageError (exit 2) says why not. */
export function prepareCoverageDir(dir: string): string {
  const absolute = path.resolve(dir);
  const fail = (why: string): never => {
    throw new UsageError(`--coverage ${dir}: ${why}`);
  };
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) fail('is a file; give a folder (the report is <folder>/lcov.info)');
  try {
    mkdirSync(absolute, { recursive: true });
  } catch (err) {
    fail(`cannot create the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lcov = path.join(absolute, LCOV_FILE);
  let target = absolute;
  try {
    if (statSync(lcov).isFile()) target = lcov;
  } catch {
    // No lcov.info yet: the folder must take a new file.
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (err) {
    fail(`cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return absolute;
}

/** Writes `<dir>/lcov.info`; returns its path. */
export function writeLcov(dir: string, data: CoverageData): string {
  const file = path.join(dir, LCOV_FILE);
  try {
    writeFileSync(file, formatLcov(data));
  } catch (err) {
    throw new UsageError(`cannot write the coverage report ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return file;
}

export function formatLcov(data: CoverageData): string {
  let out = '';
  for (const [file, lines] of sortedFiles(data)) {
    out += `TN:\nSF:${file}\n`;
    for (const [line, count] of lines) out += `DA:${line},${count}\n`;
    out += `LF:${lines.length}\nLH:${lines.filter(([, count]) => count > 0).length}\nend_of_record\n`;
  }
  return out;
}

/** One line per hook: lines run / lines with code, and the lines never run (as ranges). */
export function formatCoverageSummary(data: CoverageData, cwd: string): string {
  const rows = sortedFiles(data).map(([file, lines]) => {
    const hit = lines.filter(([, count]) => count > 0).length;
    const missed = lines.filter(([, count]) => count === 0).map(([line]) => line);
    return { name: displayPath(cwd, file), hit, total: lines.length, missed };
  });
  if (rows.length === 0) return 'coverage: no hook file ran\n';
  const width = Math.max(...rows.map((r) => r.name.length), 'all hooks'.length);
  const row = (name: string, hit: number, total: number, missed?: number[]) =>
    `  ${name.padEnd(width)}  ${`${hit}/${total}`.padStart(7)} lines ${percent(hit, total).padStart(4)}` +
    (missed?.length ? `  not run: ${ranges(missed)}` : '') +
    '\n';
  const hit = rows.reduce((sum, r) => sum + r.hit, 0);
  const total = rows.reduce((sum, r) => sum + r.total, 0);
  return 'coverage (lines of each hook that ran):\n' + rows.map((r) => row(r.name, r.hit, r.total, r.missed)).join('') + row('all hooks', hit, total);
}

function sortedFiles(data: CoverageData): Array<[string, Array<[number, number]>]> {
  return Object.keys(data)
    .sort()
    .map((file) => [
      file,
      Object.entries(data[file]!)
        .map(([line, count]): [number, number] => [Number(line), count])
        .sort((a, b) => a[0] - b[0]),
    ]);
}

function percent(hit: number, total: number): string {
  return total === 0 ? '-' : `${Math.floor((hit / total) * 100)}%`;
}

/** 3, 4, 5, 9 → "3-5, 9". */
function ranges(lines: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
