import { Worker, type ResourceLimits } from "node:worker_threads";

/**
 * A worker thread running the module at `entry`. The command runs from TypeScript under tsx, and on Node 20 a
 * worker gets neither the loader of `--import` nor one given in its own flags for its entry module: so the
 * worker starts from a line of JavaScript that registers tsx's loader in its thread, then imports the module.
 */
export function startWorker(entry: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const limits = resourceLimits ? { resourceLimits } : {};
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, { workerData, ...limits });
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData, ...limits });
}

/** A thread's failure as it is, unless it ran out of memory: then with what to do about it (`advice`). */
export function withMemoryAdvice(err: Error, thread: string, advice: string): Error {
  if ((err as NodeJS.ErrnoException).code !== "ERR_WORKER_OUT_OF_MEMORY") return err;
  return new Error(`${thread} ran out of memory (${err.message}): ${advice}`);
}
