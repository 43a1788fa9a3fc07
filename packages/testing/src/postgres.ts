import { userInfo } from "node:os";
import pg from "pg";
import { uniqueName } from "./names.ts";

/** The local PostgreSQL (its unix socket by default); PG_ADMIN_URL points elsewhere. */
export const pgAdminUrl = () =>
  process.env.PG_ADMIN_URL ?? `postgresql://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@localhost/postgres?host=/var/run/postgresql`;

/** A database of the test's own, dropped by `drop()`: tests never share tables. */
export async function createTestDatabase(prefix = "cw_test"): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName(prefix).toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
