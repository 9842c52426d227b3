import { describe, expect, it } from 'vitest';
import { describeChange, destructiveChanges } from '../../src/schema-diff/destructive.js';
import { BASE_DUMP, entry, migrated, schemaDiff, type DiffStyle } from '../support/schema-dumps.js';

/** What a reviewer reads for the diff between the base dump and `after`, in one diff tool's layout. */
function flagged(after: string, variant: { style: DiffStyle; context: number }): string[] {
  return destructiveChanges(schemaDiff(BASE_DUMP, after, variant)).map((c) => describeChange(c));
}

const VARIANTS = [
  { style: 'jsdiff', context: 4 }, // neonctl and Neon's schema-diff action
  { style: 'git', context: 3 }, // git diff
] as const;

const NEW_TABLE = `--
-- Name: coupons; Type: TABLE; Schema: public; Owner: neondb_owner
--

CREATE TABLE public.coupons (
    code text NOT NULL,
    percent_off integer NOT NULL,
    valid_until date
);


ALTER TABLE public.coupons OWNER TO neondb_owner;

`;

describe.each(VARIANTS)('destructive changes in a pg_dump diff ($style, $context lines of context)', (variant) => {
  const check = (after: string, expected: string[]) => expect(flagged(after, variant)).toEqual(expected);

  it('an unchanged schema and an added table are not destructive', () => {
    expect(schemaDiff(BASE_DUMP, migrated(), variant)).not.toBe(''); // only the \restrict key differs
    check(migrated(), []);
    check(migrated([entry('customers; Type: TABLE'), `${entry('customers; Type: TABLE')}${NEW_TABLE}`]), []);
  });

  it('a dropped table, and what DROP TABLE … CASCADE takes from another table', () => {
    check(
      migrated(
        [entry('order_items; Type: TABLE'), ''],
        [entry('order_items order_items_pkey;'), ''],
        [entry('order_items order_items_order_id_fkey;'), ''],
      ),
      ['table public.order_items dropped or renamed'],
    );
    // Its column lines, identity sequence, key, index and foreign key go with it and are not listed again;
    // the foreign key of order_items that pointed at it is a loss of its own.
    check(
      migrated(
        [entry('orders; Type: TABLE'), ''],
        [entry('orders_id_seq; Type: SEQUENCE'), ''],
        [entry('orders orders_pkey;'), ''],
        [entry('orders_customer_id_idx;'), ''],
        [entry('order_items order_items_order_id_fkey;'), ''],
        [entry('orders orders_customer_id_fkey;'), ''],
      ),
      ['table public.orders dropped or renamed', 'constraint order_items_order_id_fkey on public.order_items dropped or renamed'],
    );
  });

  it('a dropped column, in the middle and at the end of a table', () => {
    check(migrated(['    phone character varying(20),\n', '']), ['column phone of table public.customers dropped or renamed']);
    check(migrated(['    quantity integer NOT NULL,\n    unit_price numeric(10,2) NOT NULL\n', '    quantity integer NOT NULL\n']), [
      'column unit_price of table public.order_items dropped or renamed',
    ]);
  });

  it('a column dropped deep in a long table: named when the diff shows the table, said so when it does not', () => {
    const after = migrated(['    updated_at timestamp with time zone DEFAULT now() NOT NULL,\n', '']);
    // git's hunk heading names the table; jsdiff's four lines of context show neither its CREATE nor its OWNER line.
    const expected =
      variant.style === 'git'
        ? 'column updated_at of table public.customers dropped or renamed'
        : "column updated_at (its table is outside the diff's context) dropped or renamed";
    check(after, [expected]);
  });

  it('a renamed column reads as dropped or renamed; the view and index that follow the rename are not flagged', () => {
    check(
      migrated(
        ['    name text,\n    phone', '    full_name text,\n    phone'],
        ['    name AS display_name,', '    full_name AS display_name,'],
        ['btree (lower(name));', 'btree (lower(full_name));'],
      ),
      ['column name of table public.customers dropped or renamed'],
    );
  });

  it('a renamed table reads as dropped or renamed, once: its keys and indexes move with it', () => {
    check(
      migrated(
        ['-- Name: orders; Type: TABLE', '-- Name: purchases; Type: TABLE'],
        ['CREATE TABLE public.orders (', 'CREATE TABLE public.purchases ('],
        ['ALTER TABLE public.orders OWNER TO', 'ALTER TABLE public.purchases OWNER TO'],
        ['ALTER TABLE public.orders ALTER COLUMN id', 'ALTER TABLE public.purchases ALTER COLUMN id'],
        ['-- Name: orders orders_pkey;', '-- Name: purchases orders_pkey;'],
        ['ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_pkey', 'ALTER TABLE ONLY public.purchases\n    ADD CONSTRAINT orders_pkey'],
        ['ON public.orders USING btree', 'ON public.purchases USING btree'],
        ['REFERENCES public.orders(id)', 'REFERENCES public.purchases(id)'],
        ['-- Name: orders orders_customer_id_fkey;', '-- Name: purchases orders_customer_id_fkey;'],
        ['ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_customer_id_fkey', 'ALTER TABLE ONLY public.purchases\n    ADD CONSTRAINT orders_customer_id_fkey'],
      ),
      ['table public.orders dropped or renamed'],
    );
  });

  it('a column whose type changes', () => {
    check(
      migrated(['    phone character varying(20),', '    phone text,'], ['    quantity integer NOT NULL,', '    quantity bigint NOT NULL,']),
      [
        'column phone of table public.customers changes type from character varying(20) to text',
        'column quantity of table public.order_items changes type from integer to bigint',
      ],
    );
  });

  it('NOT NULL added to an existing column is destructive; a new NOT NULL column is not', () => {
    check(migrated(['    name text,\n    phone', '    name text NOT NULL,\n    phone']), ['NOT NULL added to existing column name of table public.customers']);
    // Adding a NOT NULL column removes nothing: on a table with rows it needs a default, and the
    // migration already ran on the branch's copy of the data.
    check(migrated(['    placed_at timestamp with time zone DEFAULT now() NOT NULL\n', '    placed_at timestamp with time zone DEFAULT now() NOT NULL,\n    channel text NOT NULL\n']), []);
    // A default changing is not destructive either.
    check(migrated(['    loyalty_points integer DEFAULT 0 NOT NULL,', '    loyalty_points integer DEFAULT 10 NOT NULL,']), []);
  });

  it('a dropped index and dropped constraints (a named key, and a CHECK written inside CREATE TABLE)', () => {
    check(migrated([entry('customers_name_idx;'), '']), ['index customers_name_idx on public.customers dropped or renamed']);
    check(migrated([entry('customers customers_email_key;'), '']), ['constraint customers_email_key on public.customers dropped or renamed']);
    check(
      migrated([
        '    deleted_at timestamp with time zone,\n    CONSTRAINT customers_loyalty_points_check CHECK ((loyalty_points >= 0))\n',
        '    deleted_at timestamp with time zone\n',
      ]),
      ['constraint customers_loyalty_points_check on public.customers dropped or renamed'],
    );
  });

  it('a dropped view, function and type', () => {
    check(migrated([entry('customer_summary; Type: VIEW'), '']), ['view public.customer_summary dropped or renamed']);
    check(migrated([entry('order_total(integer); Type: FUNCTION'), '']), ['function public.order_total(p_order_id integer) dropped, renamed or given other arguments']);
    check(
      migrated(
        [entry('order_status; Type: TYPE'), ''],
        ["    status public.order_status DEFAULT 'pending'::public.order_status NOT NULL,", "    status text DEFAULT 'pending'::text NOT NULL,"],
      ),
      ['type public.order_status dropped or renamed', 'column status of table public.orders changes type from public.order_status to text'],
    );
  });

  it('a function whose arguments change, and an enum value that goes', () => {
    check(
      migrated(['CREATE FUNCTION public.order_total(p_order_id integer)', 'CREATE FUNCTION public.order_total(p_order_id bigint)'], [
        'ALTER FUNCTION public.order_total(p_order_id integer)',
        'ALTER FUNCTION public.order_total(p_order_id bigint)',
      ]),
      ['function public.order_total(p_order_id integer) dropped, renamed or given other arguments'],
    );
    check(migrated(["    'paid',\n    'shipped',\n", "    'paid',\n"]), ["enum value 'shipped' of type public.order_status removed or renamed"]);
  });

  it('lines inside a function body or a view query are not columns, even when they look like them', () => {
    // The function creates a temp table with a column list of its own and has a `--` comment: its
    // removed lines read `-    email text,` and `-    -- keep …` in the diff.
    check(
      migrated(
        ['    email text,\n    name text,\n    archived_at', '    name text,\n    archived_at'],
        ['    -- keep a copy of the row before it goes\n', ''],
        ['SELECT id, email, name, now()', 'SELECT id, name, now()'],
      ),
      [],
    );
    check(migrated(['    email AS contact_email,\n', '']), []);
    // Deep in a long lower-case SQL body, where the hunk shows neither its start nor its end.
    check(migrated(["    and o.status <> 'cancelled'\n", '']), []);
    check(migrated(['    NEW.updated_at := now();', '    NEW.updated_at := clock_timestamp();']), []);
  });

  it('the migrations of a typical PR: a table added, a column dropped, an index added', () => {
    const index = `--
-- Name: orders_placed_at_idx; Type: INDEX; Schema: public; Owner: neondb_owner
--

CREATE INDEX orders_placed_at_idx ON public.orders USING btree (placed_at);


`;
    check(
      migrated(
        [entry('customers; Type: TABLE'), `${entry('customers; Type: TABLE')}${NEW_TABLE}`],
        ['    note text,\n', ''],
        [entry('customers customers_set_updated_at;'), `${index}${entry('customers customers_set_updated_at;')}`],
      ),
      ['column note of table public.orders dropped or renamed'],
    );
  });
});

describe('destructive changes: reading the diff text', () => {
  it('an empty diff has none', () => {
    expect(destructiveChanges('')).toEqual([]);
  });

  it('Windows line endings and a blank context line without its leading space read the same', () => {
    const diff = schemaDiff(BASE_DUMP, migrated(['    phone character varying(20),\n', '']));
    const mangled = diff
      .split('\n')
      .map((l) => (l === ' ' ? '' : l))
      .join('\r\n');
    expect(destructiveChanges(mangled).map((c) => describeChange(c))).toEqual(['column phone of table public.customers dropped or renamed']);
  });

  it('describes names with the formatter given (a code span for Markdown)', () => {
    const [change] = destructiveChanges(schemaDiff(BASE_DUMP, migrated(['    phone character varying(20),\n', ''])));
    expect(describeChange(change!, (s) => `\`${s}\``)).toBe('column `phone` of table `public.customers` dropped or renamed');
  });
});
