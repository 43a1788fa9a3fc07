import { existsSync } from "node:fs";
import { posix } from "node:path";
import { Ajv } from "ajv";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copySources, dockerignoreFor, isExcluded, parseDockerignore } from "./dockerContext.ts";
import { filesUnder, pnpmCommandProblems, readRepoFile, readYaml, repoPath, workspacePackages } from "./files.ts";

/**
 * infra/docker-compose.yml checked without a Docker engine: against the Compose Specification's schema, and
 * for what `docker compose up --build` needs from the repo (build inputs, commands, mounts, secrets).
 */
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  secrets?: Array<{ source: string; target: string }>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { environment?: string; file?: string }>;
}

const COMPOSE = "infra/docker-compose.yml";
const composeDir = posix.dirname(COMPOSE);
const raw = readRepoFile(COMPOSE);

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}; an unset required variable is an error. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (op === "?") throw new Error(`${name}: ${arg}`);
    return op === "-" ? (arg ?? "") : "";
  });
}

/** The variables infra/.env.example lists, each given a value: what an operator's filled-in env file has. */
const exampleEnv = Object.fromEntries(
  readRepoFile("infra/.env.example")
    .split("\n")
    .map((l) => /^([A-Z0-9_]+)=/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .map((n) => [n, `value-of-${n.toLowerCase()}`]),
);

const compose = parse(interpolate(raw, exampleEnv), { merge: true }) as ComposeFile;
const nodeServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

describe("infra/docker-compose.yml", () => {
  it("is valid against the Compose Specification's JSON schema", () => {
    const schema = JSON.parse(readRepoFile("infra/schemas/compose-spec.json")) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema names draft-07's meta-schema by its https address; Ajv ships it under the http one.
    ajv.addMetaSchema({ ...draft07, $id: "https://json-schema.org/draft-07/schema" });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The schema is not a pushover: a misspelt service key fails it.
    expect(validate({ services: { x: { image: "a", restrat: "always" } } })).toBe(false);
  });

  it("has no committed secret: each one must come from the environment or infra/.env, or compose stops", () => {
    const secretish = /(SECRET|TOKEN|PASSWORD|SESSION_KEY)/;
    const refs = [...raw.matchAll(/\$\{([A-Z0-9_]+)(:[-?])?/g)].map((m) => ({ name: m[1]!, op: m[2] }));
    const secrets = refs.filter((r) => secretish.test(r.name) && r.name !== "API_TOKENS");
    expect(new Set(secrets.map((s) => s.name))).toEqual(new Set(["OPS_TOKEN", "LINK_SECRET", "SESSION_KEY", "POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"]));
    for (const s of secrets) expect(s.op, `${s.name} must be \${${s.name}:?...}`).toBe(":?");
    // No literal value for a secret variable either.
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(svc.environment ?? {})) {
        if (secretish.test(key) && key !== "API_TOKENS") expect(String(value), `${name}.${key}`).toMatch(/^value-of-|^postgresql:/);
      }
    }
    for (const s of new Set(secrets.map((x) => x.name))) {
      const { [s]: _dropped, ...without } = exampleEnv;
      expect(() => interpolate(raw, without), `compose must refuse to start without ${s}`).toThrow(s);
    }
    // The env file with the real values is never committed nor sent to a Docker build.
    expect(readRepoFile(".gitignore")).toMatch(/^infra\/\.env$/m);
    expect(exampleEnv).toHaveProperty("OPS_TOKEN");
  });

  it("builds from files that exist and that .dockerignore lets through; no .npmrc and no registry host in the repo", () => {
    const builds = new Set(nodeServices.map(([, s]) => JSON.stringify(s.build)));
    expect(builds.size).toBe(1);
    for (const build of [...builds].map((b) => JSON.parse(b) as { context: string; dockerfile: string })) {
      const context = posix.normalize(posix.join(composeDir, build.context));
      const dockerfile = posix.join(context, build.dockerfile);
      expect(existsSync(repoPath(dockerfile)), dockerfile).toBe(true);
      const ignoreFile = dockerignoreFor(dockerfile, context);
      expect(ignoreFile, "a .dockerignore keeps node_modules and secrets out of the build").toBeDefined();
      const rules = parseDockerignore(readRepoFile(ignoreFile!));
      const sources = copySources(dockerfile);
      expect(sources).toContain("pnpm-lock.yaml");
      for (const source of sources) {
        const path = posix.normalize(posix.join(context, source));
        expect(existsSync(repoPath(path)), `COPY ${source}: not in the build context`).toBe(true);
        if (source !== ".") expect(isExcluded(rules, posix.relative(context, path)), `COPY ${source}: excluded by ${ignoreFile}`).toBe(false);
      }
      // `COPY . .` must still carry what `pnpm install` and the services read...
      const needed = [
        "package.json",
        "pnpm-workspace.yaml",
        ...[...workspacePackages().values()].flatMap((p) => [`${p.dir}/package.json`, ...filesUnder(`${p.dir}/src`).slice(0, 1)]),
        "infra/config/rules.example.json",
      ];
      for (const file of needed) expect(isExcluded(rules, file), `${file} is excluded from the image`).toBe(false);
      // ...and not what must stay out of it.
      for (const file of ["node_modules/x", "services/notifier/node_modules/x", ".git/HEAD", "infra/.env", "infra/k8s/overlays/demo/secrets.env"]) {
        expect(isExcluded(rules, file), `${file} would be sent to the build`).toBe(true);
      }
    }
    expect(existsSync(repoPath(".npmrc"))).toBe(false);
    for (const file of ["infra/docker/node.Dockerfile", COMPOSE, "package.json", "pnpm-workspace.yaml"]) {
      expect(readRepoFile(file), file).not.toMatch(/registry\.|npmjs\.(org|com)|yarnpkg/);
    }
  });

  it("runs commands that exist: every service's pnpm script and the file it runs", () => {
    expect(nodeServices.map(([n]) => n).sort()).toEqual(["console", "demo-feed", "notifier", "signal-worker", "topics"]);
    for (const [name, svc] of nodeServices) {
      expect(svc.command, name).toBeDefined();
      expect(pnpmCommandProblems(svc.command!), name).toEqual([]);
    }
    expect(pnpmCommandProblems(["pnpm", "--filter", "@churnwatch/notifier", "no-such-script"])).not.toEqual([]);
  });

  it("decides topic partitions once: one init step, which every service waits for", () => {
    const init = nodeServices.filter(([, s]) => s.command?.includes("ensure-topics"));
    expect(init.map(([n]) => n)).toEqual(["topics"]);
    const deciding = Object.entries(compose.services).filter(([, s]) => s.environment?.TOPIC_PARTITIONS !== undefined);
    expect(deciding.map(([n]) => n)).toEqual(["topics"]);
    for (const [name, svc] of nodeServices.filter(([n]) => n !== "topics")) {
      expect(svc.depends_on?.topics?.condition, name).toBe("service_completed_successfully");
    }
    expect(compose.services["signal-worker"]?.environment?.CREATE_TOPICS).toBe("false");
  });

  it("listens where other containers and the host reach it", () => {
    const published = (svc: ComposeService) => (svc.ports ?? []).map((p) => p.split(":").at(-1));
    const notifier = compose.services.notifier!;
    expect(notifier.environment?.API_HOST).toBe("0.0.0.0");
    expect(published(notifier)).toContain(String(notifier.environment?.API_PORT));
    const console = compose.services.console!;
    expect(console.environment?.HOST).toBe("0.0.0.0");
    expect(published(console)).toContain(String(console.environment?.PORT));
    expect(console.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(console.depends_on?.postgres?.condition).toBe("service_healthy");
    // The ops endpoints leave loopback only with a token (packages/platform's opsServer).
    for (const name of ["signal-worker", "notifier"]) expect(compose.services[name]?.environment?.OPS_TOKEN, name).toBe("value-of-ops_token");
  });

  it("mounts files that exist, and a Prometheus and a Grafana provisioned with the shipped rules and dashboard", () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(":")[0]!;
        if (source.startsWith(".")) expect(existsSync(repoPath(composeDir, source)), `${name}: ${source}`).toBe(true);
      }
    }
    const prometheus = compose.services.prometheus!;
    expect(prometheus.volumes).toContain("./prometheus:/etc/prometheus:ro");
    const promConfig = readYaml<{
      rule_files: string[];
      scrape_configs: Array<{ authorization: { credentials_file: string }; dns_sd_configs: Array<{ names: string[]; port: number }> }>;
    }>("infra/prometheus/prometheus.yml");
    for (const rules of promConfig.rule_files) expect(existsSync(repoPath("infra/prometheus", rules)), rules).toBe(true);
    for (const job of promConfig.scrape_configs) {
      // The token file is the compose secret, made from the same OPS_TOKEN the workers have.
      const secret = prometheus.secrets?.find((s) => `/run/secrets/${s.target}` === job.authorization.credentials_file);
      expect(secret, job.authorization.credentials_file).toBeDefined();
      expect(compose.secrets[secret!.source]?.environment).toBe("OPS_TOKEN");
      for (const sd of job.dns_sd_configs) {
        for (const host of sd.names) {
          expect(compose.services[host]?.expose, host).toContain(String(sd.port));
          expect(compose.services[host]?.environment?.OPS_PORT ?? { "signal-worker": 9464, notifier: 9465 }[host], host).toBe(sd.port);
        }
      }
    }
    const grafana = compose.services.grafana!;
    const dashboards = readYaml<{ providers: Array<{ options: { path: string } }> }>("infra/grafana/provisioning/dashboards/churnwatch.yml");
    const dashboardMount = grafana.volumes?.find((v) => v.startsWith("./grafana/churnwatch.json:"));
    expect(dashboardMount?.split(":")[1]).toBe(`${dashboards.providers[0]!.options.path}/churnwatch.json`);
    expect(grafana.volumes).toContain("./grafana/provisioning:/etc/grafana/provisioning:ro");
    const datasources = readYaml<{ datasources: Array<{ type: string; url: string; isDefault: boolean }> }>("infra/grafana/provisioning/datasources/prometheus.yml");
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: "prometheus", url: "http://prometheus:9090", isDefault: true })]);
  });
});
