import { describe, expect, it } from "vitest";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { produce, startMaildev, listEmails, waitFor } from "@churnwatch/testing";
import { freePort } from "../services/notifier/src/testSupport/mailSink.ts";
import { decliningHistory } from "./support/events.ts";
import { isolatedPipeline } from "./support/pipeline.ts";
import { startService } from "./support/processes.ts";
import { e2eScope } from "./support/scope.ts";

/**
 * What Prometheus scrapes from both workers, as a real Prometheus text-format parser reads it, after real
 * traffic (valid events, an invalid one, an alert email): every metric family operations relies on is there,
 * with its type and labels.
 */
const scope = e2eScope();

const TOKEN = "metrics-e2e-token-0123456789";

async function scrape(port: number): Promise<MetricFamily[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await res.text());
}

const family = (families: MetricFamily[], name: string) => {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no metric family ${name} in: ${families.map((x) => x.name).join(", ")}`);
  return f;
};

describe("/metrics", () => {
  it("parses as Prometheus text format on both workers, with every family operations relies on", async () => {
    const { env, smtpPort, webPort, notifierEnv } = await isolatedPipeline("e2e-metrics", scope.cleanups);
    const [workerPort, notifierPort] = [await freePort(), await freePort()];
    const sink = await startMaildev({ smtpPort, webPort });
    scope.sinks.push(sink);
    scope.running.push(
      startService("signal-worker", { ...env.env, OPS_PORT: String(workerPort), OPS_TOKEN: TOKEN }, "e2e-metrics"),
      startService("notifier", { ...notifierEnv, OPS_PORT: String(notifierPort), OPS_TOKEN: TOKEN }, "e2e-metrics"),
    );
    await env.produceEvents(decliningHistory("acc-metrics", Date.now()));
    await produce(env.topics.orders, [{ key: "acc-metrics", value: "{not json" }]);
    await waitFor(() => listEmails(sink.webUrl), { until: (m) => m.length >= 1, timeoutMs: 60_000, description: "the alert email" });

    const worker = await waitFor(() => scrape(workerPort), {
      until: (f) => f.some((x) => x.name === "churnwatch_events_invalid_total" && x.metrics.length > 0),
      description: "the invalid event counted",
    });
    expect(family(worker, "churnwatch_events_consumed_total").type).toBe("COUNTER");
    expect(family(worker, "churnwatch_events_consumed_total").metrics.map((m) => m.labels?.type)).toContain("order.placed");
    expect(family(worker, "churnwatch_events_invalid_total").metrics[0]?.labels).toEqual({ reason: "bad-json" });
    expect(family(worker, "churnwatch_events_dead_lettered_total").type).toBe("COUNTER");
    const latency = family(worker, "churnwatch_batch_processing_seconds");
    expect(latency.type).toBe("HISTOGRAM");
    expect(Number(latency.metrics[0]?.buckets?.["+Inf"])).toBeGreaterThan(0);
    expect(family(worker, "churnwatch_consumer_lag").metrics.every((m) => m.labels?.partition !== undefined)).toBe(true);
    expect(family(worker, "churnwatch_alerts_enqueued_total").metrics[0]?.labels).toMatchObject({ rule: "purchases.decline" });

    const notifier = await waitFor(() => scrape(notifierPort), {
      until: (f) => f.some((x) => x.name === "churnwatch_emails_sent_total" && x.metrics.some((m) => m.labels?.status === "sent")),
      description: "the email counted",
    });
    expect(family(notifier, "churnwatch_emails_failed_total").type).toBe("COUNTER");
    const queues = family(notifier, "churnwatch_queue_jobs");
    expect(queues.type).toBe("GAUGE");
    expect(new Set(queues.metrics.map((m) => m.labels?.queue))).toEqual(new Set([notifierEnv.ALERT_QUEUE, notifierEnv.EMAIL_QUEUE, notifierEnv.DIGEST_QUEUE]));
    expect(new Set(queues.metrics.map((m) => m.labels?.state))).toEqual(new Set(["waiting", "active", "delayed", "failed", "completed"]));
  }, 120_000);
});
