// Reading the deployment files the way their tools do: YAML with merge keys, paths from the repo root.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { repoRoot } from "../support/processes.ts";

export const repoPath = (...parts: string[]) => join(repoRoot, ...parts);
export const readRepoFile = (path: string) => readFileSync(repoPath(path), "utf8");

/** One YAML document; `<<` merge keys resolved, as compose and Kubernetes' YAML readers do. */
export const readYaml = <T = unknown>(path: string): T => parse(readRepoFile(path), { merge: true }) as T;

/** Every document of a multi-document YAML file (`---`), empty ones dropped. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readRepoFile(path), { merge: true })
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

/** Files under a folder of the repo, as repo-relative paths; node_modules and .git skipped. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      if (name === "node_modules" || name === ".git") continue;
      const child = join(abs, name);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(relative(repoRoot, child));
    }
  };
  if (existsSync(repoPath(dir))) walk(repoPath(dir));
  return out.sort();
}

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
}

/** The workspace's packages by name, with their folder. */
export function workspacePackages(): Map<string, { dir: string; json: PackageJson }> {
  const out = new Map<string, { dir: string; json: PackageJson }>();
  for (const group of ["services", "packages"]) {
    for (const name of readdirSync(repoPath(group))) {
      const dir = join(group, name);
      if (!existsSync(repoPath(dir, "package.json"))) continue;
      const json = JSON.parse(readRepoFile(join(dir, "package.json"))) as PackageJson;
      out.set(json.name, { dir, json });
    }
  }
  return out;
}

/**
 * What `pnpm --filter <package> <script>` runs must exist: the script, and the TypeScript file its `tsx` runs.
 * Returns the problems, empty when the command is sound.
 */
export function pnpmCommandProblems(command: readonly string[]): string[] {
  const [bin, flag, pkg, script] = command;
  if (bin !== "pnpm" || flag !== "--filter" || !pkg || !script) return [`not a "pnpm --filter <package> <script>" command: ${command.join(" ")}`];
  const found = workspacePackages().get(pkg);
  if (!found) return [`no workspace package ${pkg}`];
  const line = found.json.scripts?.[script];
  if (!line) return [`${pkg} has no script "${script}"`];
  const entry = /^tsx (\S+\.ts)$/.exec(line)?.[1];
  if (!entry) return [`${pkg} script "${script}" is not "tsx <file>": ${line}`];
  return existsSync(repoPath(found.dir, entry)) ? [] : [`${pkg} script "${script}" runs ${join(found.dir, entry)}, which does not exist`];
}
