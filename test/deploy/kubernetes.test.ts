import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { pnpmCommandProblems, repoPath } from "./files.ts";
import { containersOf, podTemplateOf, readEnvFile, renderKustomization, type Resource } from "./kustomize.ts";

/**
 * infra/k8s rendered as Kustomize would, each resource checked against the Kubernetes API schema
 * (kubernetes-models) and against the others: probes, budgets, selectors, secrets, the partition bound.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

function validate(r: Resource): void {
  const Model = MODELS[`${r.apiVersion}/${r.kind}`];
  if (!Model) throw new Error(`${r.kind} ${r.metadata.name}: no model for ${r.apiVersion}/${r.kind}`);
  new Model(r as never).validate();
}

const OVERLAY = "infra/k8s/overlays/demo";
const rendered = renderKustomization(OVERLAY);
const byKind = (kind: string) => rendered.filter((r) => r.kind === kind);
const named = (kind: string, name: string) => {
  const r = rendered.find((x) => x.kind === kind && x.metadata.name === name);
  if (!r) throw new Error(`no ${kind} ${name}`);
  return r;
};
const spec = <T>(r: Resource) => (r as unknown as { spec: T }).spec;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const deployments = byKind("Deployment");
const envConfig = (named("ConfigMap", "churnwatch-env") as unknown as { data: Record<string, string> }).data;

describe("infra/k8s (Kustomize)", () => {
  it("renders every listed resource, and each one is valid against the Kubernetes API schema", () => {
    expect(rendered.map((r) => `${r.kind}/${r.metadata.name}`).sort()).toEqual(
      [
        "ConfigMap/churnwatch-config",
        "ConfigMap/churnwatch-env",
        "Deployment/console",
        "Deployment/notifier",
        "Deployment/signal-worker",
        "Namespace/churnwatch",
        "PodDisruptionBudget/console",
        "PodDisruptionBudget/notifier",
        "PodDisruptionBudget/signal-worker",
        "Secret/churnwatch-secrets",
        "Service/console",
        "Service/notifier",
        "Service/signal-worker",
        "ServiceMonitor/churnwatch",
      ].sort(),
    );
    for (const r of rendered) expect(() => validate(r), `${r.kind} ${r.metadata.name}`).not.toThrow();
    expect(rendered.filter((r) => r.kind !== "Namespace").every((r) => r.metadata.namespace === "churnwatch")).toBe(true);
    // The schema is strict enough to catch a wrong type.
    const broken = structuredClone(named("Deployment", "notifier")) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = "two";
    expect(() => validate(broken as unknown as Resource)).toThrow(/replicas/);
  });

  it("probes /healthz and /readyz, sets resources, and runs commands that exist", () => {
    for (const d of deployments) {
      const { containers, initContainers } = podTemplateOf(d)!.spec;
      for (const c of containers) {
        const ports = new Set((c.ports ?? []).map((p) => p.name));
        expect(c.livenessProbe?.httpGet?.path, d.metadata.name).toBe("/healthz");
        // The console serves /healthz only; the workers' ops server has /readyz (Kafka and Redis answer).
        expect(c.readinessProbe?.httpGet?.path, d.metadata.name).toBe(d.metadata.name === "console" ? "/healthz" : "/readyz");
        expect(ports.has(String(c.livenessProbe?.httpGet?.port)), `${d.metadata.name}: probe port`).toBe(true);
        expect(ports.has(String(c.readinessProbe?.httpGet?.port)), `${d.metadata.name}: probe port`).toBe(true);
      }
      for (const c of [...containers, ...(initContainers ?? [])]) {
        expect(c.resources?.requests?.cpu, `${d.metadata.name}/${c.name}`).toBeDefined();
        expect(c.resources?.requests?.memory, `${d.metadata.name}/${c.name}`).toBeDefined();
        expect(c.resources?.limits?.memory, `${d.metadata.name}/${c.name}`).toBeDefined();
        expect(pnpmCommandProblems(c.command ?? []), `${d.metadata.name}/${c.name}`).toEqual([]);
        expect(c.image).toBe("churnwatch-node:dev");
      }
      // Topics first, with the one partition count, whichever service starts first.
      expect(initContainers?.map((c) => c.command?.at(-1)), d.metadata.name).toEqual(["ensure-topics"]);
    }
  });

  it("bounds the signal worker's replicas by the topics' partitions", () => {
    const partitions = Number(envConfig.TOPIC_PARTITIONS);
    expect(partitions).toBeGreaterThanOrEqual(1);
    const worker = spec<{ replicas: number }>(named("Deployment", "signal-worker"));
    expect(worker.replicas).toBeGreaterThanOrEqual(1);
    expect(worker.replicas, "a replica beyond the partition count gets no partition").toBeLessThanOrEqual(partitions);
    const env = podTemplateOf(named("Deployment", "signal-worker"))!.spec.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === "CREATE_TOPICS")?.value).toBe("false");
  });

  it("has a PodDisruptionBudget and a Service selecting each Deployment's pods, and a ServiceMonitor on the workers' ops port", () => {
    for (const d of deployments) {
      const labels = podTemplateOf(d)!.metadata.labels;
      expect(matches(spec<{ selector: { matchLabels: Record<string, string> } }>(d).selector.matchLabels, labels), d.metadata.name).toBe(true);
      const pdbs = byKind("PodDisruptionBudget").filter((p) => matches(spec<{ selector: { matchLabels: Record<string, string> } }>(p).selector.matchLabels, labels));
      expect(pdbs.length, `${d.metadata.name}: one PodDisruptionBudget`).toBe(1);
      const services = byKind("Service").filter((s) => matches(spec<{ selector: Record<string, string> }>(s).selector, labels));
      expect(services.length, `${d.metadata.name}: one Service`).toBe(1);
      const containerPorts = new Set(podTemplateOf(d)!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
      for (const port of spec<{ ports: Array<{ targetPort: string }> }>(services[0]!).ports) expect(containerPorts.has(port.targetPort), `${d.metadata.name}: ${port.targetPort}`).toBe(true);
    }
    const monitor = spec<{ selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; authorization: { credentials: { name: string; key: string } } }> }>(named("ServiceMonitor", "churnwatch"));
    const scraped = byKind("Service").filter((s) => matches(monitor.selector.matchLabels, s.metadata.labels ?? {}));
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual(["notifier", "signal-worker"]);
    for (const s of scraped) {
      expect(spec<{ ports: Array<{ name: string }> }>(s).ports.map((p) => p.name), s.metadata.name).toContain(monitor.endpoints[0]!.port);
      // With OPS_TOKEN the ops server listens beyond loopback, and /metrics asks for the same token.
      const env = podTemplateOf(named("Deployment", s.metadata.name))!.spec.containers[0]!.env ?? [];
      expect(env.find((e) => e.name === "OPS_TOKEN")?.valueFrom?.secretKeyRef).toEqual(monitor.endpoints[0]!.authorization.credentials);
    }
  });

  it("takes secrets from a Secret whose values are never committed, and rules and policy from infra/config", () => {
    const example = readEnvFile(`${OVERLAY}/secrets.env.example`);
    for (const [key, value] of Object.entries(example)) expect(value === "" || value.includes("PASSWORD"), `${key} has a committed value`).toBe(true);
    expect(readFileSync(repoPath(".gitignore"), "utf8")).toMatch(/^infra\/k8s\/\*\*\/secrets\.env$/m);
    for (const d of deployments) {
      for (const c of containersOf(d)) {
        for (const ref of (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []))) {
          expect(ref.name).toBe("churnwatch-secrets");
          expect(Object.keys(example), `${d.metadata.name} needs ${ref.key}`).toContain(ref.key);
        }
      }
    }
    const config = (named("ConfigMap", "churnwatch-config") as unknown as { data: Record<string, string> }).data;
    expect(JSON.parse(config["rules.json"]!)).toEqual(JSON.parse(readFileSync(repoPath("infra/config/rules.example.json"), "utf8")));
    expect(JSON.parse(config["policy.json"]!)).toEqual(JSON.parse(readFileSync(repoPath("infra/config/policy.example.json"), "utf8")));
    for (const d of deployments) {
      const t = podTemplateOf(d)!;
      const mount = t.spec.containers[0]!.volumeMounts?.find((m) => t.spec.volumes?.find((v) => v.name === m.name)?.configMap?.name === "churnwatch-config");
      expect(mount?.mountPath, d.metadata.name).toBe("/etc/churnwatch");
    }
    for (const variable of ["ENGINE_CONFIG_PATH", "POLICY_CONFIG_PATH"]) {
      expect(Object.keys(config).map((k) => `/etc/churnwatch/${k}`)).toContain(envConfig[variable]);
    }
  });

  // kubectl is not needed (and not in CI); where it is, its Kustomize must agree with the renderer above.
  it.skipIf(spawnSync("kubectl", ["version", "--client"]).status !== 0)("renders the same resources as kubectl kustomize", () => {
    const work = mkdtempSync(join(tmpdir(), "cw-kustomize-"));
    try {
      cpSync(repoPath("infra"), join(work, "infra"), { recursive: true, filter: (p) => !p.includes("node_modules") });
      cpSync(repoPath(`${OVERLAY}/secrets.env.example`), join(work, OVERLAY, "secrets.env"));
      const run = spawnSync("kubectl", ["kustomize", join(work, OVERLAY)], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      const theirs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Resource);
      const key = (r: Resource) => `${r.kind}/${r.metadata.name.replace(/-[a-z0-9]{10}$/, "")}`;
      expect(theirs.map(key).sort()).toEqual(rendered.map(key).sort());
      for (const d of theirs.filter((r) => r.kind === "Deployment")) {
        expect(containersOf(d).map((c) => [c.name, c.image]), d.metadata.name).toEqual(containersOf(named("Deployment", d.metadata.name)).map((c) => [c.name, c.image]));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
