import type pg from 'pg';
import { quoteIdent, quoteLiteral } from './records.js';

// What a database or role change of the API does inside a branch's Postgres, run as the emulator's
// superuser on the `postgres` database (as Neon's compute applies its configuration).

/** A role as Neon makes them: it logs in with a SCRAM password and may create databases and roles. */
export async function createRole(admin: pg.Client, name: string, password: string | undefined): Promise<void> {
  const login = password === undefined ? 'NOLOGIN' : `LOGIN PASSWORD ${quoteLiteral(password)}`;
  await admin.query(`CREATE ROLE ${quoteIdent(name)} ${login} CREATEDB CREATEROLE`);
}

/** A new password; sessions opened with the old one are ended, as Neon drops them. */
export async function setPassword(admin: pg.Client, name: string, password: string): Promise<void> {
  await admin.query(`ALTER ROLE ${quoteIdent(name)} PASSWORD ${quoteLiteral(password)}`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
}

/**
 * Drops a role: its sessions end, and in every database what it owns passes to the database's
 * owner (its grants go), so no table is lost with it.
 */
export async function dropRole(admin: pg.Client, name: string, connect: (database: string) => Promise<pg.Client>): Promise<void> {
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
  const { rows } = await admin.query<{ datname: string; owner: string }>(
    "SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datallowconn AND datname NOT IN ('template0', 'template1')",
  );
  for (const { datname, owner } of rows) {
    const client = await connect(datname);
    try {
      await client.query(`REASSIGN OWNED BY ${quoteIdent(name)} TO ${quoteIdent(owner === name ? 'cloud_admin' : owner)}`);
      await client.query(`DROP OWNED BY ${quoteIdent(name)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
}

export async function createDatabase(admin: pg.Client, name: string, owner: string): Promise<void> {
  await admin.query(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(owner)}`);
}

/** Renames (its sessions end first: Postgres renames no database in use) and changes the owner. */
export async function alterDatabase(admin: pg.Client, name: string, change: { name: string; owner: string }): Promise<void> {
  if (change.name !== name) {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} RENAME TO ${quoteIdent(change.name)}`);
  }
  await admin.query(`ALTER DATABASE ${quoteIdent(change.name)} OWNER TO ${quoteIdent(change.owner)}`);
}

export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
