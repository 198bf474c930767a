-- The physical floor of a CSV import of transaction rows on PostgreSQL: everything the import writes, done by the
-- server itself as set-based statements over a staged, typed copy of the file, in one transaction: customers found by
-- external id or email and created from their first row, their external ids and metrics rows, orders (one per order
-- id, found by (external_id, customer_id) or created), their lines, and the metrics added up per customer. No
-- reading, parsing or checking is timed; the product also rejects bad rows, reports each row, and commits in batches.
-- Run by bench/import-floor-postgres.sh, which fills in CSVFILE (a file of `Rapport.Bench import`) and PREPARE.
\set ON_ERROR_STOP on
CREATE TEMP TABLE raw(oid text, cid text, email text, name text, at text, cur text, sku text, qty text, price text);
\copy raw FROM 'CSVFILE' WITH (FORMAT csv, HEADER true)
-- The staged rows as the managed side would send them after checking: typed, normalised.
CREATE TEMP TABLE s AS SELECT row_number() OVER () AS line, oid, cid AS cext, lower(email) AS email, name AS first, name AS last,
  (at || 'Z')::timestamptz AS at, cur, sku, qty::numeric(19,4) AS qty, price::numeric(19,4) AS price FROM raw;
CREATE INDEX ON s(oid);
CREATE INDEX ON s(line);
ANALYZE s;
PREPARE
\timing on
BEGIN;
-- 1. customers known by external id or email
CREATE TEMP TABLE cres AS SELECT k.cext, k.line, x.customer_id AS id
  FROM (SELECT cext, min(line) AS line FROM s GROUP BY cext) AS k LEFT JOIN customer_external_ids x ON x.source = 'shop' AND x.external_id = k.cext;
UPDATE cres SET id = (SELECT min(c.id) FROM customers c WHERE c.email_normalized = (SELECT email FROM s WHERE s.line = cres.line)) WHERE id IS NULL;
-- 2. create the missing ones from their first row
CREATE TEMP TABLE cnew AS SELECT nextval('customers_id_seq') AS id, cres.cext, s.first, s.last, s.email
  FROM cres JOIN s ON s.line = cres.line WHERE cres.id IS NULL ORDER BY cres.line;
INSERT INTO customers (id, first_name, last_name, email, email_normalized, search_text, updated_at, version, source, created_at)
  SELECT id, first, last, email, email, lower(first || ' ' || last || ' ' || email), now(), 1, 'shop', now() FROM cnew ORDER BY id;
UPDATE cres SET id = cnew.id FROM cnew WHERE cnew.cext = cres.cext AND cres.id IS NULL;
INSERT INTO customer_external_ids (customer_id, source, external_id, created_at)
  SELECT id, 'shop', cext, now() FROM cres WHERE NOT EXISTS (SELECT 1 FROM customer_external_ids x WHERE x.source = 'shop' AND x.external_id = cres.cext);
INSERT INTO customer_metrics (customer_id, purchase_count, revenue, interaction_count, updated_at)
  SELECT id, 0, 0, 0, now() FROM cres WHERE NOT EXISTS (SELECT 1 FROM customer_metrics m WHERE m.customer_id = cres.id);
CREATE INDEX ON cres(cext);
-- 3. orders: one per order id (first row gives customer, date, currency), existing ones found by (external_id, customer)
CREATE TEMP TABLE ores AS SELECT o.oid, o.line, o.total, cres.id AS customer_id, s.at, s.cur, coalesce(t.id, nextval('transactions_id_seq')) AS id, t.id IS NULL AS new
  FROM (SELECT oid, min(line) AS line, sum(qty * price) AS total FROM s GROUP BY oid) AS o
  JOIN s ON s.line = o.line JOIN cres ON cres.cext = s.cext LEFT JOIN transactions t ON t.external_id = o.oid AND t.customer_id = cres.id ORDER BY o.line;
INSERT INTO transactions (id, customer_id, external_id, occurred_at, currency, total, source, created_at)
  SELECT id, customer_id, oid, at, cur, total, 'shop', now() FROM ores WHERE new ORDER BY line;
CREATE INDEX ON ores(oid);
-- 4. lines
INSERT INTO transaction_lines (transaction_id, customer_id, line_number, product_id, sku, quantity, unit_price, amount)
  SELECT ores.id, ores.customer_id, s.line - ores.line + 1, p.id, s.sku, s.qty, s.price, s.qty * s.price
  FROM s JOIN ores ON ores.oid = s.oid LEFT JOIN products p ON p.sku = s.sku ORDER BY s.line;
-- 5. metrics by addition
UPDATE customer_metrics SET first_purchase_at = CASE WHEN customer_metrics.first_purchase_at IS NULL OR customer_metrics.first_purchase_at > d.f THEN d.f ELSE customer_metrics.first_purchase_at END,
  last_purchase_at = CASE WHEN customer_metrics.last_purchase_at IS NULL OR customer_metrics.last_purchase_at < d.l THEN d.l ELSE customer_metrics.last_purchase_at END,
  purchase_count = purchase_count + d.n, revenue = revenue + d.r, updated_at = now()
  FROM (SELECT customer_id, min(at) AS f, max(at) AS l, count(*) AS n, sum(CASE WHEN cur = 'EUR' THEN total ELSE 0 END) AS r FROM ores WHERE new GROUP BY customer_id) AS d
  WHERE customer_metrics.customer_id = d.customer_id;
COMMIT;
\timing off
SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM transactions) AS transactions,
  (SELECT count(*) FROM transaction_lines) AS lines, (SELECT sum(purchase_count) FROM customer_metrics) AS purchases;
