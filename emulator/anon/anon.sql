-- The masking functions of PostgreSQL Anonymizer (the `anon` extension Neon uses for anonymized
-- branches), written for the Neon emulator in plain SQL and PL/pgSQL: same schema, names, argument
-- lists and return types as the extension documents them, so a masking rule written for Neon runs
-- here unchanged. The fake data is a small English dictionary; the `_locale` variants accept the
-- extension's locales and answer in English. Installed into a branch's databases when the branch
-- is anonymized; every statement can run again (CREATE OR REPLACE).

-- Functions refer to ones defined further down.
SET check_function_bodies = off;

CREATE SCHEMA IF NOT EXISTS anon;
GRANT USAGE ON SCHEMA anon TO PUBLIC;
CREATE SEQUENCE IF NOT EXISTS anon.random_id_seq;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE anon.random_id_seq TO PUBLIC;

-------------------------------------------------------------------------------
-- Helpers of the emulator (not part of the extension)
-------------------------------------------------------------------------------

-- One element of a list, at random.
CREATE OR REPLACE FUNCTION anon.emulator_pick(list TEXT[]) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT list[1 + floor(random() * cardinality(list))::int]
$$;

-- One element of a list, always the same for the same seed and salt (pseudonymization).
CREATE OR REPLACE FUNCTION anon.emulator_pick_by(list TEXT[], seed TEXT, salt TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT list[1 + mod(abs(hashtext(coalesce(seed, '') || coalesce(salt, ''))::bigint), cardinality(list))::int]
$$;

-- `n` random decimal digits.
CREATE OR REPLACE FUNCTION anon.emulator_digits(n INT) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(string_agg(floor(random() * 10)::int::text, ''), '') FROM generate_series(1, n)
$$;

-- `digits` followed by its Luhn check digit (credit cards, SIRET).
CREATE OR REPLACE FUNCTION anon.emulator_luhn(digits TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT digits || ((10 - sum(
           CASE WHEN (length(digits) - i) % 2 = 0
                THEN (substr(digits, i, 1)::int * 2) / 10 + (substr(digits, i, 1)::int * 2) % 10
                ELSE substr(digits, i, 1)::int END) % 10) % 10)::text
    FROM generate_series(1, length(digits)) AS i
$$;

CREATE OR REPLACE FUNCTION anon.emulator_first_names() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Ada','Alan','Amara','Arlo','Beatrix','Bram','Camille','Cedric','Dahlia','Dorian',
               'Elodie','Emmett','Farah','Felix','Greta','Gideon','Hazel','Hugo','Imani','Ivo',
               'Juno','Jasper','Kira','Leander','Lorna','Milo','Nadia','Nico','Odette','Otis',
               'Priya','Quentin','Rosalind','Rufus','Saoirse','Silas','Tamsin','Tobias','Uma','Vera',
               'Wren','Xavier','Yara','Zane']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_last_names() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Abbott','Barrow','Castellano','Dunmore','Eckhart','Fairweather','Galloway','Hargreave',
               'Ingram','Jessup','Kettering','Lindqvist','Marchetti','Northcott','Oyelaran','Pemberton',
               'Quayle','Ravensworth','Sandoval','Thackeray','Underhill','Vasquez','Whitlock','Yardley',
               'Zellweger','Ashdown','Brightwater','Coldwell','Drummond','Ellery']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_cities() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Aberdeen','Adelaide','Bergen','Bologna','Calgary','Cork','Dresden','Dunedin','Eindhoven',
               'Fresno','Ghent','Graz','Halifax','Innsbruck','Jaipur','Kyoto','Lausanne','Leeds','Malmo',
               'Nantes','Oaxaca','Porto','Quebec City','Reno','Salzburg','Tampere','Utrecht','Valencia',
               'Winnipeg','Zaragoza']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_countries() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Argentina','Australia','Austria','Belgium','Brazil','Canada','Chile','Denmark','Estonia',
               'Finland','France','Germany','Ghana','Iceland','India','Ireland','Italy','Japan','Kenya',
               'Mexico','Netherlands','New Zealand','Norway','Portugal','Senegal','Spain','Sweden',
               'Switzerland','Uruguay','Vietnam']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_country_codes() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['AR','AU','AT','BE','BR','CA','CL','DK','EE','FI','FR','DE','GH','IS','IN','IE','IT','JP',
               'KE','MX','NL','NZ','NO','PT','SN','ES','SE','CH','UY','VN']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_states() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Alabama:AL','Alaska:AK','Arizona:AZ','California:CA','Colorado:CO','Delaware:DE',
               'Florida:FL','Georgia:GA','Idaho:ID','Iowa:IA','Maine:ME','Montana:MT','Nevada:NV',
               'Ohio:OH','Oregon:OR','Texas:TX','Utah:UT','Vermont:VT','Virginia:VA','Wyoming:WY']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_street_suffixes() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Street','Avenue','Road','Lane','Drive','Court','Place','Way','Boulevard','Terrace']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_company_suffixes() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['Inc','LLC','Group','and Sons','Ltd','Partners','Holdings','Co']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_words() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['lorem','ipsum','dolor','sit','amet','consectetur','adipiscing','elit','sed','do',
               'eiusmod','tempor','incididunt','ut','labore','et','dolore','magna','aliqua','enim',
               'ad','minim','veniam','quis','nostrud','exercitation','ullamco','laboris','nisi',
               'aliquip','ex','ea','commodo','consequat','duis','aute','irure','in','reprehenderit',
               'voluptate','velit','esse','cillum','fugiat','nulla','pariatur','excepteur','sint',
               'occaecat','cupidatat','non','proident','sunt','culpa','qui','officia','deserunt',
               'mollit','anim','id','est','laborum']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_email_domains() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['example.com','example.net','example.org']
$$;

CREATE OR REPLACE FUNCTION anon.emulator_free_email_providers() RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['gmail.com','yahoo.com','hotmail.com','outlook.com','proton.me']
$$;

-------------------------------------------------------------------------------
-- Wrappers of pg_catalog functions, as the extension declares them for masking rules
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION anon.concat(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.concat($1, $2) $$;
CREATE OR REPLACE FUNCTION anon.concat(TEXT, TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.concat($1, $2, $3) $$;
CREATE OR REPLACE FUNCTION anon.left(TEXT, INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.left($1, $2) $$;
CREATE OR REPLACE FUNCTION anon.right(TEXT, INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.right($1, $2) $$;
CREATE OR REPLACE FUNCTION anon.length(TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.length($1) $$;
CREATE OR REPLACE FUNCTION anon.lower(TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.lower($1) $$;
CREATE OR REPLACE FUNCTION anon.upper(TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.upper($1) $$;
CREATE OR REPLACE FUNCTION anon.md5(TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.md5($1) $$;
CREATE OR REPLACE FUNCTION anon.substr(TEXT, INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.substr($1, $2) $$;
CREATE OR REPLACE FUNCTION anon.substr(TEXT, INTEGER, INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.substr($1, $2, $3) $$;
CREATE OR REPLACE FUNCTION anon.replace(TEXT, TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.replace($1, $2, $3) $$;
CREATE OR REPLACE FUNCTION anon.regexp_replace(TEXT, TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.regexp_replace($1, $2, $3) $$;
CREATE OR REPLACE FUNCTION anon.regexp_replace(TEXT, TEXT, TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.regexp_replace($1, $2, $3, $4) $$;
CREATE OR REPLACE FUNCTION anon.now() RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql STABLE AS $$ SELECT pg_catalog.now() $$;
CREATE OR REPLACE FUNCTION anon.random() RETURNS DOUBLE PRECISION LANGUAGE sql VOLATILE AS $$ SELECT pg_catalog.random() $$;
CREATE OR REPLACE FUNCTION anon.date_trunc(TEXT, TIMESTAMP WITH TIME ZONE) RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql STABLE AS $$ SELECT pg_catalog.date_trunc($1, $2) $$;
CREATE OR REPLACE FUNCTION anon.make_date(INT, INT, INT) RETURNS DATE LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.make_date($1, $2, $3) $$;

-------------------------------------------------------------------------------
-- Randomization
-------------------------------------------------------------------------------

-- `l` random letters (v1's signature, kept by the extension).
CREATE OR REPLACE FUNCTION anon.random_string(l INTEGER) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(string_agg(substr('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 1 + floor(random() * 52)::int, 1), ''), '')
    FROM generate_series(1, l)
$$;

-- Random letters, their count within the range.
CREATE OR REPLACE FUNCTION anon.random_string(r INT4RANGE) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.random_string(anon.random_in_int4range(r))
$$;

CREATE OR REPLACE FUNCTION anon.random_zip() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_digits(5)
$$;

CREATE OR REPLACE FUNCTION anon.random_phone() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT '0' || anon.emulator_digits(9)
$$;

CREATE OR REPLACE FUNCTION anon.random_phone(prefix TEXT) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT prefix || anon.emulator_digits(8)
$$;

CREATE OR REPLACE FUNCTION anon.random_hash(seed TEXT) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT encode(sha512(convert_to(seed || random()::text || clock_timestamp()::text, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION anon.random_int_between(start INTEGER, stop INTEGER) RETURNS INTEGER LANGUAGE sql VOLATILE AS $$
  SELECT (least(start, stop) + floor(random() * (abs(stop::bigint - start::bigint) + 1)))::int
$$;

CREATE OR REPLACE FUNCTION anon.random_bigint_between(start BIGINT, stop BIGINT) RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
  SELECT (least(start, stop)::numeric + floor(random()::numeric * (abs(stop::numeric - start::numeric) + 1)))::bigint
$$;

CREATE OR REPLACE FUNCTION anon.random_double_precision(start DOUBLE PRECISION, stop DOUBLE PRECISION) RETURNS DOUBLE PRECISION LANGUAGE sql VOLATILE AS $$
  SELECT least(start, stop) + random() * abs(stop - start)
$$;

-- A date within the last hundred years.
CREATE OR REPLACE FUNCTION anon.random_date() RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql VOLATILE AS $$
  SELECT now() - random() * interval '100 years'
$$;

CREATE OR REPLACE FUNCTION anon.random_date_between(date_start TIMESTAMP WITH TIME ZONE, date_end TIMESTAMP WITH TIME ZONE)
RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql VOLATILE AS $$
  SELECT least(date_start, date_end) + random() * (greatest(date_start, date_end) - least(date_start, date_end))
$$;

CREATE OR REPLACE FUNCTION anon.random_time() RETURNS TIME LANGUAGE sql VOLATILE AS $$
  SELECT time '00:00' + random() * interval '24 hours'
$$;

CREATE OR REPLACE FUNCTION anon.random_in(a ANYARRAY) RETURNS ANYELEMENT LANGUAGE sql VOLATILE AS $$
  SELECT a[array_lower(a, 1) + floor(random() * cardinality(a))::int]
$$;

CREATE OR REPLACE FUNCTION anon.random_in_enum(element ANYENUM) RETURNS ANYENUM LANGUAGE sql VOLATILE AS $$
  SELECT anon.random_in(enum_range(element))
$$;

-- Ranges: NULL when a bound is infinite, as the extension does.
CREATE OR REPLACE FUNCTION anon.random_in_int4range(r INT4RANGE) RETURNS INTEGER LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE anon.random_int_between(lower(r), upper(r) - 1) END
$$;

CREATE OR REPLACE FUNCTION anon.random_in_int8range(r INT8RANGE) RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE anon.random_bigint_between(lower(r), upper(r) - 1) END
$$;

CREATE OR REPLACE FUNCTION anon.random_in_numrange(r NUMRANGE) RETURNS NUMERIC LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE lower(r) + random()::numeric * (upper(r) - lower(r)) END
$$;

CREATE OR REPLACE FUNCTION anon.random_in_daterange(r DATERANGE) RETURNS DATE LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE lower(r) + floor(random() * (upper(r) - lower(r)))::int END
$$;

CREATE OR REPLACE FUNCTION anon.random_in_tsrange(r TSRANGE) RETURNS TIMESTAMP WITHOUT TIME ZONE LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE lower(r) + random() * (upper(r) - lower(r)) END
$$;

CREATE OR REPLACE FUNCTION anon.random_in_tstzrange(r TSTZRANGE) RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN isempty(r) OR lower_inf(r) OR upper_inf(r) THEN NULL
              ELSE lower(r) + random() * (upper(r) - lower(r)) END
$$;

-- Unique values for key columns: each call takes the next number of a sequence.
CREATE OR REPLACE FUNCTION anon.random_id() RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
  SELECT nextval('anon.random_id_seq')
$$;

CREATE OR REPLACE FUNCTION anon.random_id_int() RETURNS INTEGER LANGUAGE sql VOLATILE AS $$
  SELECT (nextval('anon.random_id_seq') % 2147483647)::int
$$;

CREATE OR REPLACE FUNCTION anon.random_id_smallint() RETURNS SMALLINT LANGUAGE sql VOLATILE AS $$
  SELECT (nextval('anon.random_id_seq') % 32767)::smallint
$$;

-------------------------------------------------------------------------------
-- Faking (the fake_* functions of version 1)
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION anon.fake_first_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_pick(anon.emulator_first_names())
$$;

CREATE OR REPLACE FUNCTION anon.fake_last_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_pick(anon.emulator_last_names())
$$;

CREATE OR REPLACE FUNCTION anon.fake_email() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT lower(anon.fake_first_name() || '.' || anon.fake_last_name()) || anon.emulator_digits(3)
         || '@' || anon.emulator_pick(anon.emulator_email_domains())
$$;

CREATE OR REPLACE FUNCTION anon.fake_city() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_pick(anon.emulator_cities())
$$;

CREATE OR REPLACE FUNCTION anon.fake_country() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_pick(anon.emulator_countries())
$$;

CREATE OR REPLACE FUNCTION anon.fake_company() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.fake_last_name() || ' ' || anon.emulator_pick(anon.emulator_company_suffixes())
$$;

CREATE OR REPLACE FUNCTION anon.fake_postcode() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_digits(5)
$$;

CREATE OR REPLACE FUNCTION anon.fake_address() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.random_int_between(1, 999) || ' ' || anon.fake_last_name() || ' '
         || anon.emulator_pick(anon.emulator_street_suffixes()) || ', ' || anon.fake_city() || ' ' || anon.fake_postcode()
$$;

-- A British IBAN with correct check digits (ISO 13616: the BBAN, then GB00, as digits, mod 97).
CREATE OR REPLACE FUNCTION anon.fake_iban() RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  bban TEXT := anon.random_string(4) || anon.emulator_digits(14);
  numeric_form TEXT := '';
  c TEXT;
BEGIN
  bban := upper(bban);
  FOREACH c IN ARRAY regexp_split_to_array(bban || 'GB00', '') LOOP
    numeric_form := numeric_form || CASE WHEN c ~ '[A-Z]' THEN (ascii(c) - 55)::text ELSE c END;
  END LOOP;
  RETURN 'GB' || lpad((98 - mod(numeric_form::numeric, 97))::text, 2, '0') || bban;
END
$$;

-- 14 digits with a Luhn check digit, as a French SIRET.
CREATE OR REPLACE FUNCTION anon.fake_siret() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_luhn(anon.emulator_digits(13))
$$;

-- paragraphs (5 by default), or `words` words, or `characters` characters.
CREATE OR REPLACE FUNCTION anon.lorem_ipsum(paragraphs INTEGER DEFAULT 5, words INTEGER DEFAULT 0, characters INTEGER DEFAULT 0)
RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  text_out TEXT;
BEGIN
  IF characters > 0 THEN
    SELECT string_agg(anon.emulator_pick(anon.emulator_words()), ' ') INTO text_out FROM generate_series(1, characters);
    RETURN left(text_out, characters);
  ELSIF words > 0 THEN
    SELECT string_agg(anon.emulator_pick(anon.emulator_words()), ' ') INTO text_out FROM generate_series(1, words);
    RETURN text_out;
  END IF;
  SELECT string_agg(upper(left(p.sentence, 1)) || substr(p.sentence, 2) || '.', E'\n') INTO text_out
    FROM (SELECT (SELECT string_agg(anon.emulator_pick(anon.emulator_words()), ' ')
                    FROM generate_series(1, 30 + (n % 20))) AS sentence
            FROM generate_series(1, greatest(paragraphs, 0)) AS n) AS p;
  RETURN coalesce(text_out, '');
END
$$;

-------------------------------------------------------------------------------
-- Advanced faking (the dummy_* functions of version 2)
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION anon.dummy_first_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_first_name() $$;
CREATE OR REPLACE FUNCTION anon.dummy_last_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_last_name() $$;
CREATE OR REPLACE FUNCTION anon.dummy_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_first_name() || ' ' || anon.fake_last_name() $$;
CREATE OR REPLACE FUNCTION anon.dummy_title() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Mr.','Mrs.','Ms.','Miss','Dr.']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_suffix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Jr.','Sr.','II','III','IV','V','MD','PhD']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_name_with_title() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_title() || ' ' || anon.dummy_name() $$;
CREATE OR REPLACE FUNCTION anon.dummy_username() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT lower(anon.fake_first_name()) || '_' || lower(anon.fake_last_name()) || anon.emulator_digits(2) $$;
CREATE OR REPLACE FUNCTION anon.dummy_free_email_provider() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(anon.emulator_free_email_providers()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_free_email() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_username() || '@' || anon.dummy_free_email_provider() $$;
CREATE OR REPLACE FUNCTION anon.dummy_safe_email() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_username() || '@' || anon.emulator_pick(anon.emulator_email_domains()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_domain_suffix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['com','net','org','io','info','biz']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_phone_number() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('(%s) %s-%s', anon.random_int_between(200, 999), anon.random_int_between(200, 999), anon.emulator_digits(4)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_cell_number() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('%s-%s-%s', anon.random_int_between(200, 999), anon.random_int_between(200, 999), anon.emulator_digits(4)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_city_prefix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['North','East','West','South','New','Lake','Port','Fort']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_city_suffix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['town','ton','land','ville','burgh','borough','field','haven','port','mouth']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_city_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_city() $$;
CREATE OR REPLACE FUNCTION anon.dummy_country_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_country() $$;
CREATE OR REPLACE FUNCTION anon.dummy_country_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(anon.emulator_country_codes()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_state_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT split_part(anon.emulator_pick(anon.emulator_states()), ':', 1) $$;
CREATE OR REPLACE FUNCTION anon.dummy_state_abbr() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT split_part(anon.emulator_pick(anon.emulator_states()), ':', 2) $$;
CREATE OR REPLACE FUNCTION anon.dummy_street_suffix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(anon.emulator_street_suffixes()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_street_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_last_name() || ' ' || anon.dummy_street_suffix() $$;
CREATE OR REPLACE FUNCTION anon.dummy_building_number() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.random_int_between(1, 9999)::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_secondary_address_type() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Apt.','Suite']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_secondary_address() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_secondary_address_type() || ' ' || anon.random_int_between(1, 999) $$;
CREATE OR REPLACE FUNCTION anon.dummy_zip_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_digits(5) $$;
CREATE OR REPLACE FUNCTION anon.dummy_post_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_digits(5) $$;
CREATE OR REPLACE FUNCTION anon.dummy_latitude() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT round((random() * 180 - 90)::numeric, 6)::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_longitude() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT round((random() * 360 - 180)::numeric, 6)::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_timezone() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Europe/Lisbon','Europe/Oslo','America/Denver','America/Halifax','Asia/Kolkata','Asia/Tokyo','Australia/Perth','Africa/Accra','Pacific/Auckland','UTC']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_company_suffix() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(anon.emulator_company_suffixes()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_company_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.fake_company() $$;
CREATE OR REPLACE FUNCTION anon.dummy_industry() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Agriculture','Banking','Construction','Education','Energy','Healthcare','Logistics','Media','Retail','Software']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_profession() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Accountant','Architect','Baker','Carpenter','Chemist','Editor','Engineer','Nurse','Pilot','Teacher']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_buzzword() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['adaptive','scalable','holistic','seamless','robust','proactive','modular','resilient']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_buzzword_middle() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['bandwidth','framework','paradigm','workflow','ecosystem','pipeline']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_buzzword_tail() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['solutions','platform','synergy','architecture','initiative','toolset']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_catchphrase() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT initcap(anon.dummy_buzzword()) || ' ' || anon.dummy_buzzword_middle() || ' ' || anon.dummy_buzzword_tail() $$;
CREATE OR REPLACE FUNCTION anon.dummy_bs_verb() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['streamline','orchestrate','leverage','empower','integrate','reinvent']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_bs_adj() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['end-to-end','cross-platform','real-time','next-generation','best-of-breed']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_bs_noun() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['markets','channels','experiences','deliverables','metrics','networks']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_bs() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_bs_verb() || ' ' || anon.dummy_bs_adj() || ' ' || anon.dummy_bs_noun() $$;
CREATE OR REPLACE FUNCTION anon.dummy_word() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(anon.emulator_words()) $$;
CREATE OR REPLACE FUNCTION anon.dummy_words(r INT4RANGE) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(string_agg(anon.dummy_word(), ' '), '') FROM generate_series(1, coalesce(anon.random_in_int4range(r), 0))
$$;
CREATE OR REPLACE FUNCTION anon.dummy_credit_card_number() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_luhn('4' || anon.emulator_digits(14)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_bic() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT upper(anon.random_string(4)) || anon.dummy_country_code() || upper(anon.random_string(2)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_isin() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_country_code() || anon.emulator_digits(10) $$;
CREATE OR REPLACE FUNCTION anon.dummy_isbn13() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT d || ((10 - (sum(substr(d, i, 1)::int * CASE WHEN i % 2 = 0 THEN 3 ELSE 1 END) % 10)) % 10)::text
    FROM (SELECT '978' || anon.emulator_digits(9) AS d) AS x, generate_series(1, 12) AS i GROUP BY d
$$;
CREATE OR REPLACE FUNCTION anon.dummy_isbn() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_isbn13() $$;
CREATE OR REPLACE FUNCTION anon.dummy_currency_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['EUR','USD','GBP','JPY','CHF','SEK','NOK','CAD']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_currency_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['Euro','US Dollar','Pound Sterling','Yen','Swiss Franc','Swedish Krona']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_currency_symbol() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['€','$','£','¥','₣','kr']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_ipv4() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT format('%s.%s.%s.%s', anon.random_int_between(1, 254), anon.random_int_between(0, 255), anon.random_int_between(0, 255), anon.random_int_between(1, 254))
$$;
CREATE OR REPLACE FUNCTION anon.dummy_ipv6() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(lpad(to_hex(anon.random_int_between(0, 65535)), 4, '0'), ':') FROM generate_series(1, 8)
$$;
CREATE OR REPLACE FUNCTION anon.dummy_ip() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT CASE WHEN random() < 0.5 THEN anon.dummy_ipv4() ELSE anon.dummy_ipv6() END $$;
CREATE OR REPLACE FUNCTION anon.dummy_mac_address() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(lpad(to_hex(anon.random_int_between(0, 255)), 2, '0'), ':') FROM generate_series(1, 6)
$$;
CREATE OR REPLACE FUNCTION anon.dummy_user_agent() RETURNS TEXT LANGUAGE sql VOLATILE AS $$
  SELECT anon.emulator_pick(ARRAY['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
                                  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
                                  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'])
$$;
CREATE OR REPLACE FUNCTION anon.dummy_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['red','green','blue','teal','amber','violet','olive','coral']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_hex_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT '#' || lpad(to_hex(anon.random_int_between(0, 16777215)), 6, '0') $$;
CREATE OR REPLACE FUNCTION anon.dummy_rgb_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('rgb(%s,%s,%s)', anon.random_int_between(0, 255), anon.random_int_between(0, 255), anon.random_int_between(0, 255)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_rgba_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('rgba(%s,%s,%s,%s)', anon.random_int_between(0, 255), anon.random_int_between(0, 255), anon.random_int_between(0, 255), round(random()::numeric, 2)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_hsl_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('hsl(%s,%s%%,%s%%)', anon.random_int_between(0, 359), anon.random_int_between(0, 100), anon.random_int_between(0, 100)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_hsla_color() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT format('hsla(%s,%s%%,%s%%,%s)', anon.random_int_between(0, 359), anon.random_int_between(0, 100), anon.random_int_between(0, 100), round(random()::numeric, 2)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_file_extension() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['txt','pdf','csv','png','json','md']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_file_name() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_word() || '.' || anon.dummy_file_extension() $$;
CREATE OR REPLACE FUNCTION anon.dummy_dir_path() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT '/' || anon.dummy_word() || '/' || anon.dummy_word() $$;
CREATE OR REPLACE FUNCTION anon.dummy_file_path() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.dummy_dir_path() || '/' || anon.dummy_file_name() $$;
CREATE OR REPLACE FUNCTION anon.dummy_licence_plate() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT upper(anon.random_string(2)) || '-' || anon.emulator_digits(3) || '-' || upper(anon.random_string(2)) $$;
CREATE OR REPLACE FUNCTION anon.dummy_health_insurance_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.random_int_between(1, 2) || ' ' || anon.emulator_digits(12) $$;
CREATE OR REPLACE FUNCTION anon.dummy_rfc_status_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['200','201','204','301','302','400','401','403','404','409','429','500','503']) $$;
CREATE OR REPLACE FUNCTION anon.dummy_valid_statux_code() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT anon.emulator_pick(ARRAY['200','201','202','204','206']) $$;
-- UUIDs as text, as the extension returns them (v1, v3 and v5 are random v4 values here).
CREATE OR REPLACE FUNCTION anon.dummy_uuidv4() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT gen_random_uuid()::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_uuidv1() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT gen_random_uuid()::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_uuidv3() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT gen_random_uuid()::text $$;
CREATE OR REPLACE FUNCTION anon.dummy_uuidv5() RETURNS TEXT LANGUAGE sql VOLATILE AS $$ SELECT gen_random_uuid()::text $$;

-- Every dummy_* function but the UUIDs has a `_locale(locale)` variant. The extension knows seven
-- locales; here each answers in English, and any other locale is an error, as there.
DO $$
DECLARE
  fn TEXT;
  ret TEXT;
BEGIN
  FOR fn, ret IN
    SELECT p.proname, format_type(p.prorettype, NULL)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'anon' AND p.proname LIKE 'dummy\_%' AND p.proname NOT LIKE 'dummy\_uuid%'
       AND p.proname NOT LIKE '%\_locale' AND p.pronargs = 0
  LOOP
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION anon.%I(locale TEXT) RETURNS %s LANGUAGE plpgsql VOLATILE AS $f$
       BEGIN
         IF locale NOT IN (''ar_SA'', ''en_US'', ''fr_FR'', ''ja_JP'', ''pt_BR'', ''zh_CN'', ''zh_TW'') THEN
           RAISE EXCEPTION ''locale %% is not supported'', locale USING ERRCODE = ''22023'';
         END IF;
         RETURN anon.%I();
       END $f$', fn || '_locale', ret, fn);
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION anon.dummy_words_locale(locale TEXT, r INT4RANGE) RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF locale NOT IN ('ar_SA', 'en_US', 'fr_FR', 'ja_JP', 'pt_BR', 'zh_CN', 'zh_TW') THEN
    RAISE EXCEPTION 'locale % is not supported', locale USING ERRCODE = '22023';
  END IF;
  RETURN anon.dummy_words(r);
END
$$;

-------------------------------------------------------------------------------
-- Pseudonymization: the same fake value for the same seed (and salt)
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION anon.pseudo_first_name(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.emulator_pick_by(anon.emulator_first_names(), seed, coalesce(salt, current_setting('anon.salt', true)))
$$;

CREATE OR REPLACE FUNCTION anon.pseudo_last_name(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.emulator_pick_by(anon.emulator_last_names(), seed, coalesce(salt, current_setting('anon.salt', true)))
$$;

CREATE OR REPLACE FUNCTION anon.pseudo_city(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.emulator_pick_by(anon.emulator_cities(), seed, coalesce(salt, current_setting('anon.salt', true)))
$$;

CREATE OR REPLACE FUNCTION anon.pseudo_country(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.emulator_pick_by(anon.emulator_countries(), seed, coalesce(salt, current_setting('anon.salt', true)))
$$;

CREATE OR REPLACE FUNCTION anon.pseudo_company(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.emulator_pick_by(anon.emulator_last_names(), seed, coalesce(salt, current_setting('anon.salt', true)))
         || ' ' || anon.emulator_pick_by(anon.emulator_company_suffixes(), seed || '#', coalesce(salt, current_setting('anon.salt', true)))
$$;

CREATE OR REPLACE FUNCTION anon.pseudo_email(seed TEXT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT lower(anon.pseudo_first_name(seed, salt) || '.' || anon.pseudo_last_name(seed || '#', salt))
         || '.' || left(md5(seed || coalesce(salt, current_setting('anon.salt', true), '')), 6) || '@example.com'
$$;

-- The same for seeds of any type (an id, a date): as their text.
DO $$
DECLARE
  fn TEXT;
BEGIN
  FOREACH fn IN ARRAY ARRAY['pseudo_first_name', 'pseudo_last_name', 'pseudo_city', 'pseudo_country', 'pseudo_company', 'pseudo_email'] LOOP
    EXECUTE format('CREATE OR REPLACE FUNCTION anon.%I(seed ANYELEMENT, salt TEXT DEFAULT NULL) RETURNS TEXT LANGUAGE sql STABLE AS $f$ SELECT anon.%I(seed::text, salt) $f$', fn, fn);
  END LOOP;
END
$$;

-------------------------------------------------------------------------------
-- Generic hashing
-------------------------------------------------------------------------------

-- The hex digest of `val || salt` with md5, sha224, sha256, sha384 or sha512.
CREATE OR REPLACE FUNCTION anon.digest(val TEXT, salt TEXT, algorithm TEXT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  data BYTEA := convert_to(coalesce(val, '') || coalesce(salt, ''), 'UTF8');
BEGIN
  RETURN CASE algorithm
    WHEN 'md5' THEN md5(data)
    WHEN 'sha224' THEN encode(sha224(data), 'hex')
    WHEN 'sha256' THEN encode(sha256(data), 'hex')
    WHEN 'sha384' THEN encode(sha384(data), 'hex')
    WHEN 'sha512' THEN encode(sha512(data), 'hex')
    ELSE NULL END;
END
$$;

-- digest() with the `anon.salt` and `anon.algorithm` settings (sha256 and no salt by default).
CREATE OR REPLACE FUNCTION anon.hash(seed TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT anon.digest(seed, coalesce(current_setting('anon.salt', true), ''), coalesce(nullif(current_setting('anon.algorithm', true), ''), 'sha256'))
$$;

-------------------------------------------------------------------------------
-- Partial scrambling
-------------------------------------------------------------------------------

-- partial('abcdefgh', 1, 'xxxx', 3) is 'axxxxfgh'.
CREATE OR REPLACE FUNCTION anon.partial(ov TEXT, prefix INT, padding TEXT, suffix INT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT left(ov, prefix) || padding || CASE WHEN suffix > 0 THEN right(ov, suffix) ELSE '' END
$$;

-- partial_email('daamien@gmail.com') is 'da******@gm******.com'.
CREATE OR REPLACE FUNCTION anon.partial_email(ov TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT left(split_part(ov, '@', 1), 2) || '******@'
         || left(split_part(ov, '@', 2), 2) || '******.' || substring(ov FROM '\.([^.@]*)$')
$$;

-------------------------------------------------------------------------------
-- Adding noise
-------------------------------------------------------------------------------

-- A number shifted at random by up to +/- ratio of itself (0.33 is +/- 33%), in its own type.
CREATE OR REPLACE FUNCTION anon.noise(noise_value ANYELEMENT, ratio DOUBLE PRECISION) RETURNS ANYELEMENT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  result noise_value%TYPE;
BEGIN
  EXECUTE format('SELECT ($1 * (1 + $2))::%s', pg_typeof(noise_value)) INTO result USING noise_value, (2 * random() - 1) * ratio;
  RETURN result;
END
$$;

-- A date, timestamp or time shifted at random by up to +/- noise_range, in its own type.
CREATE OR REPLACE FUNCTION anon.dnoise(noise_value ANYELEMENT, noise_range INTERVAL) RETURNS ANYELEMENT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  result noise_value%TYPE;
BEGIN
  EXECUTE format('SELECT ($1 + $2)::%s', pg_typeof(noise_value)) INTO result USING noise_value, (2 * random() - 1) * noise_range;
  RETURN result;
END
$$;

-------------------------------------------------------------------------------
-- Conditional masking
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION anon.ternary(cond BOOL, v_then ANYELEMENT, v_else ANYELEMENT) RETURNS ANYELEMENT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN cond THEN v_then ELSE v_else END
$$;
