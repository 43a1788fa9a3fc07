import { fileURLToPath } from "node:url";
import pg from "pg";
import { runner } from "node-pg-migrate";
import type { Logger } from "@churnwatch/platform";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** numeric (money) and bigint (versions) come back as strings, exactly: money is never a float here. */
export function createPool(databaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: 5 });
}

/** Brings the schema up to date: node-pg-migrate runs the SQL files in order under its advisory lock. */
export async function migrate(databaseUrl: string, logger: Logger): Promise<void> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: "up",
    migrationsTable: "console_migrations",
    log: (msg) => logger.debug({ component: "migrations" }, msg),
  });
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "database migrated");
}
