// The part of Kustomize infra/k8s uses, so CI renders the manifests without kubectl: resources (files and
// kustomization folders), ConfigMap and Secret generators, JSON patches by target kind, namespace, labels,
// images. Anything else in a kustomization.yaml is an error here, not silently ignored.
import { existsSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { readYaml, readYamlDocuments, repoPath } from "./files.ts";

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string; target: { kind: string } }>;
  configMapGenerator?: Array<{ name: string; files: string[] }>;
  secretGenerator?: Array<{ name: string; envs: string[]; options?: { disableNameSuffixHash?: boolean } }>;
}

const KNOWN = new Set(["apiVersion", "kind", "namespace", "resources", "labels", "images", "patches", "configMapGenerator", "secretGenerator"]);

/** `KEY=value` lines; a secret file that is not committed is read from its `.example` (the keys are the point). */
export function readEnvFile(path: string): Record<string, string> {
  const file = existsSync(repoPath(path)) ? path : `${path}.example`;
  return Object.fromEntries(
    readFileSync(repoPath(file), "utf8")
      .split("\n")
      .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** Renders the kustomization in `dir` (repo-relative), like `kubectl kustomize dir` minus name hashes. */
export function renderKustomization(dir: string): Resource[] {
  const k = readYaml<Kustomization>(posix.join(dir, "kustomization.yaml"));
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`${dir}/kustomization.yaml: fields this renderer does not know: ${unknown.join(", ")}`);
  const at = (p: string) => posix.normalize(posix.join(dir, p));
  const resources: Resource[] = (k.resources ?? []).flatMap((entry) => {
    const path = at(entry);
    if (!existsSync(repoPath(path))) throw new Error(`${dir}/kustomization.yaml lists ${entry}, which does not exist`);
    return existsSync(repoPath(path, "kustomization.yaml")) ? renderKustomization(path) : (readYamlDocuments(path) as Resource[]);
  });
  for (const g of k.configMapGenerator ?? []) {
    const data = Object.fromEntries(g.files.map((f) => {
      const [key, file] = f.includes("=") ? (f.split("=") as [string, string]) : [posix.basename(f), f];
      return [key, readFileSync(repoPath(at(file)), "utf8")];
    }));
    resources.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: g.name }, data });
  }
  for (const g of k.secretGenerator ?? []) {
    const values = Object.assign({}, ...g.envs.map((e) => readEnvFile(at(e)))) as Record<string, string>;
    resources.push({ apiVersion: "v1", kind: "Secret", metadata: { name: g.name }, type: "Opaque", stringData: values });
  }
  for (const p of k.patches ?? []) {
    const ops = readYaml<Array<{ op: string; path: string; value: unknown }>>(at(p.path));
    for (const r of resources.filter((x) => x.kind === p.target.kind)) for (const op of ops) applyAdd(r, op);
  }
  for (const r of resources) {
    for (const l of k.labels ?? []) r.metadata.labels = { ...r.metadata.labels, ...l.pairs };
    if (k.namespace && r.kind !== "Namespace") r.metadata.namespace = k.namespace;
    for (const c of containersOf(r)) {
      const image = k.images?.find((i) => i.name === c.image);
      if (image) c.image = `${image.newName ?? image.name}:${image.newTag ?? "latest"}`;
    }
  }
  return resources;
}

/** JSON patch (RFC 6902) `add`, the only operation infra/k8s uses. */
function applyAdd(target: Resource, op: { op: string; path: string; value: unknown }): void {
  if (op.op !== "add") throw new Error(`patch op ${op.op}: only "add" is rendered here`);
  const keys = op.path.split("/").slice(1);
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = structuredClone(op.value);
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; volumes?: Array<{ name: string; configMap?: { name: string } }> };
}

export const podTemplateOf = (r: Resource): PodTemplate | undefined =>
  r.kind === "Deployment" ? (r as unknown as { spec: { template: PodTemplate } }).spec.template : undefined;

export function containersOf(r: Resource): Container[] {
  const t = podTemplateOf(r);
  return t ? [...t.spec.containers, ...(t.spec.initContainers ?? [])] : [];
}
