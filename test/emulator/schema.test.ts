import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl, settled } from '../support/neonctl.js';

/** What the action's schema diff reads: pg_dump-style schema text per database, and diffs of it. */
describe('emulator: schema and compare_schema', () => {
  let neon: Emulator;
  let client: NeonClient;
  let mainUri: string;
  const cli = (...args: string[]) => neonctl(neon, ...args, '--project-id', neon.projectId);
  const compare = (branchId: string, query = '') => client.call('GET', `${client.project}/branches/${branchId}/compare_schema?db_name=neondb${query}`);

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    mainUri = await client.connectionUri(neon.model.defaultBranch.id);
    await sql(mainUri, 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, legacy text)');
  });
  afterAll(() => neon.stop());

  it('dumps a database the way pg_dump --schema-only writes it, the same text every time', async () => {
    const { body: created } = await client.call('POST', `${client.project}/branches/${neon.model.defaultBranch.id}/databases`, { database: { name: 'shop', owner_name: 'neondb_owner' } });
    await client.settle(created.operations);
    const shop = (await client.call('GET', `${client.project}/connection_uri?database_name=shop&role_name=neondb_owner`)).body.uri;
    await sql(
      shop,
      `CREATE EXTENSION citext;
       CREATE TYPE mood AS ENUM ('sad', 'happy');
       CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email citext NOT NULL UNIQUE, mood mood DEFAULT 'happy',
         created_at timestamptz DEFAULT now() NOT NULL, CONSTRAINT email_length CHECK (length(email) > 3));
       CREATE TABLE orders (id serial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric(10,2));
       CREATE INDEX orders_customer_idx ON orders (customer_id);
       CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
       CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;`,
    );
    const first = await client.call('GET', `${client.project}/branches/${neon.model.defaultBranch.id}/schema?db_name=shop`);
    expect(first.status).toBe(200);
    const dump = first.body.sql as string;
    expect(dump.replace(/^-- Dumped (from database|by pg_dump) version .*\n/gm, '')).toBe(EXPECTED_SHOP);
    expect((await client.call('GET', `${client.project}/branches/${neon.model.defaultBranch.id}/schema?db_name=shop`)).body.sql).toBe(dump);
  });

  it('neonctl branches schema-diff shows what a branch changed', async () => {
    const branch = await client.createBranch({ name: 'migrated' });
    await sql(await client.connectionUri(branch.id), 'ALTER TABLE items ADD COLUMN note text; ALTER TABLE items DROP COLUMN legacy; CREATE INDEX items_name_idx ON items (name); CREATE TABLE tags (id int PRIMARY KEY)');
    const out = await cli('branches', 'schema-diff', 'main', 'migrated', '--database', 'neondb');
    expect(out).toContain('-    legacy text');
    expect(out).toContain('+    note text');
    expect(out).toContain('+CREATE INDEX items_name_idx ON public.items USING btree (name);');
    expect(out).toContain('+CREATE TABLE public.tags (');
  });

  it('compare_schema answers a unified diff against the parent, with a/ and b/ headers, and an empty one when nothing changed', async () => {
    const branch = await client.createBranch({ name: 'compared' });
    const unchanged = await compare(branch.id);
    expect([unchanged.status, unchanged.body]).toEqual([200, { diff: '' }]);

    await sql(await client.connectionUri(branch.id), 'ALTER TABLE items ALTER COLUMN legacy TYPE integer USING 0');
    const { body } = await compare(branch.id);
    expect(body.diff).toMatch(/^--- a\/neondb\n\+\+\+ b\/neondb\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(body.diff).toContain('\n-    legacy text\n+    legacy integer\n');
    // The other way round, with an explicit base.
    const reverse = await client.call('GET', `${client.project}/branches/${neon.model.defaultBranch.id}/compare_schema?db_name=neondb&base_branch_id=${branch.id}`);
    expect(reverse.body.diff).toContain('\n-    legacy integer\n+    legacy text\n');

    expect((await client.call('GET', `${client.project}/branches/${branch.id}/compare_schema`)).status).toBe(400);
    expect((await client.call('GET', `${client.project}/branches/${branch.id}/compare_schema?db_name=nope`)).status).toBe(404);
    const root = await client.call('GET', `${client.project}/branches/${neon.model.defaultBranch.id}/compare_schema?db_name=neondb`);
    expect([root.status, root.body.message]).toEqual([400, expect.stringContaining('base_branch_id')]);
  });

  it('reads a branch that has no compute, and refuses a schema from before its last change', async () => {
    const bare = await client.call('POST', `${client.project}/branches`, { branch: { name: 'no-compute' } });
    await settled(neon, bare.body.branch.id);
    const dump = await client.call('GET', `${client.project}/branches/${bare.body.branch.id}/schema?db_name=neondb`);
    expect(dump.body.sql).toContain('CREATE TABLE public.items (');
    expect((await compare(bare.body.branch.id)).body.diff).toBe('');

    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await sql(mainUri, 'CREATE TABLE later (id int)');
    const main = `${client.project}/branches/${neon.model.defaultBranch.id}`;
    const past = await client.call('GET', `${main}/schema?db_name=neondb&timestamp=${before}`);
    expect([past.status, past.body.message]).toEqual([400, expect.stringContaining('cannot go back in time')]);
    await new Promise((r) => setTimeout(r, 20));
    const now = await client.call('GET', `${main}/schema?db_name=neondb&timestamp=${new Date().toISOString()}`);
    expect(now.body.sql).toContain('CREATE TABLE public.later (');
  });
});

const EXPECTED_SHOP = `--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: mood; Type: TYPE; Schema: public; Owner: neondb_owner
--

CREATE TYPE public.mood AS ENUM (
    'sad',
    'happy'
);


ALTER TYPE public.mood OWNER TO neondb_owner;

--
-- Name: add(integer, integer); Type: FUNCTION; Schema: public; Owner: neondb_owner
--

CREATE FUNCTION public.add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT a + b $$;


ALTER FUNCTION public.add(a integer, b integer) OWNER TO neondb_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: customers; Type: TABLE; Schema: public; Owner: neondb_owner
--

CREATE TABLE public.customers (
    id bigint NOT NULL,
    email public.citext NOT NULL,
    mood public.mood DEFAULT 'happy'::public.mood,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_length CHECK ((length((email)::text) > 3))
);


ALTER TABLE public.customers OWNER TO neondb_owner;

--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: public; Owner: neondb_owner
--

ALTER TABLE public.customers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders; Type: TABLE; Schema: public; Owner: neondb_owner
--

CREATE TABLE public.orders (
    id integer NOT NULL,
    customer_id bigint NOT NULL,
    total numeric(10,2)
);


ALTER TABLE public.orders OWNER TO neondb_owner;

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: neondb_owner
--

CREATE SEQUENCE public.orders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.orders_id_seq OWNER TO neondb_owner;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: neondb_owner
--

ALTER SEQUENCE public.orders_id_seq OWNED BY public.orders.id;


--
-- Name: big_orders; Type: VIEW; Schema: public; Owner: neondb_owner
--

CREATE VIEW public.big_orders AS
 SELECT id,
    total
   FROM public.orders
  WHERE (total > (100)::numeric);


ALTER VIEW public.big_orders OWNER TO neondb_owner;

--
-- Name: orders id; Type: DEFAULT; Schema: public; Owner: neondb_owner
--

ALTER TABLE ONLY public.orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq'::regclass);


--
-- Name: customers customers_email_key; Type: CONSTRAINT; Schema: public; Owner: neondb_owner
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_email_key UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: neondb_owner
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: neondb_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_customer_idx; Type: INDEX; Schema: public; Owner: neondb_owner
--

CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: neondb_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);


--
-- PostgreSQL database dump complete
--

`;
