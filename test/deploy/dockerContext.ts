// What `docker build` sends and copies, without a Docker engine: COPY sources and .dockerignore rules.
import { existsSync } from "node:fs";
import { posix } from "node:path";
import { readRepoFile, repoPath } from "./files.ts";

/** The source paths of every COPY/ADD from the build context (not `--from` another stage). */
export function copySources(dockerfilePath: string): string[] {
  const instructions = readRepoFile(dockerfilePath)
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^(COPY|ADD)\s/i.test(l));
  return instructions.flatMap((line) => {
    const rest = line.replace(/^(COPY|ADD)\s+/i, "");
    const flags = rest.match(/^(--\S+\s+)*/)?.[0] ?? "";
    if (/--from=/.test(flags)) return [];
    const args = rest.slice(flags.length).trim();
    const parts = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
    return parts.slice(0, -1);
  });
}

/** BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile first, else `.dockerignore` at the context root. */
export function dockerignoreFor(dockerfilePath: string, contextDir: string): string | undefined {
  const candidates = [`${dockerfilePath}.dockerignore`, posix.join(contextDir, ".dockerignore")];
  return candidates.find((p) => existsSync(repoPath(p)));
}

interface Rule {
  negate: boolean;
  regex: RegExp;
}

/** Docker's pattern syntax: Go's filepath.Match plus `**` for any number of folders. */
function toRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export function parseDockerignore(text: string): Rule[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, "");
      return { negate, regex: toRegex(pattern) };
    });
}

/** A path is excluded when the last rule matching it, or one of its folders, is not a `!` rule. */
export function isExcluded(rules: readonly Rule[], path: string): boolean {
  const parts = posix.normalize(path).split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let excluded = false;
  for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negate;
  return excluded;
}
