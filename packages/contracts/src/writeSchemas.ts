/** Writes docs/schemas/<type>.schema.json from the zod contract: `pnpm schemas`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventJsonSchemas } from "./jsonSchema.ts";

export const schemasDir = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/schemas");

export function renderSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [type, schema] of Object.entries(eventJsonSchemas())) {
    files[`${type}.schema.json`] = `${JSON.stringify(schema, null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(schemasDir, { recursive: true });
  for (const [name, text] of Object.entries(renderSchemaFiles())) writeFileSync(join(schemasDir, name), text);
  process.stdout.write(`wrote ${schemasDir}\n`);
}
