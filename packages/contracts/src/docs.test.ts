import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeEvent, eventTypes } from "./index.ts";

const docPath = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/events.md");
const doc = readFileSync(docPath, "utf8");

/** Every ```json fenced block of the producer guide, with the line it starts on. */
function jsonBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  const fence = /^```json[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(fence)) {
    blocks.push({ line: markdown.slice(0, m.index).split("\n").length, text: m[1] ?? "" });
  }
  return blocks;
}

const blocks = jsonBlocks(doc);

describe("docs/events.md examples", () => {
  it("has json examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(eventTypes.length);
  });

  it.each(blocks.map((b) => [b.line, b.text] as const))("the example at line %i decodes", (_line, text) => {
    const r = decodeEvent(Buffer.from(text, "utf8"));
    expect(r.ok ? "ok" : `${r.reason}: ${r.detail}`).toBe("ok");
  });

  it("documents every event type with at least one valid example", () => {
    const documented = new Set<string>();
    for (const b of blocks) {
      const r = decodeEvent(Buffer.from(b.text, "utf8"));
      if (r.ok) documented.add(r.event.type);
    }
    expect(eventTypes.filter((t) => !documented.has(t))).toEqual([]);
  });

  it("includes the issue's example line exactly", () => {
    const line =
      '{"eventId":"e-81f3","type":"order.placed","accountId":"acc-042","occurredAt":"2026-03-02T09:15:00+08:00","schemaVersion":1,"data":{"orderId":"o-9921","amount":125000.5,"currency":"CNY","grossMargin":0.23,"categories":["packaging"]}}';
    expect(blocks.map((b) => b.text.trim())).toContain(line);
  });

  it("links the JSON Schema of every event type", () => {
    for (const t of eventTypes) expect(doc).toContain(`(schemas/${t}.schema.json)`);
  });
});
