-- The physical floor of a CSV import of transaction rows on SQLite: everything the import writes, done by SQLite
-- itself as set-based statements over a staged, typed copy of the file, in one transaction: customers found by
-- external id or email and created from their first row, their external ids and metrics rows, orders (one per order
-- id, found by (external_id, customer_id) or created), their lines, and the metrics added up per customer. No
-- reading, parsing or checking is timed; the product also rejects bad rows, reports each row, and commits in batches.
-- Run by bench/import-floor.sh, which fills in SCHEMA (the migrations) and CSVFILE (a file of `Rapport.Bench import`).
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA foreign_keys=ON;
PRAGMA cache_size=-131072;
.read SCHEMA
CREATE TEMP TABLE raw(oid TEXT, cid TEXT, email TEXT, name TEXT, at TEXT, cur TEXT, sku TEXT, qty TEXT, price TEXT);
.import --csv --skip 1 CSVFILE raw
-- The staged rows as the managed side would bind them after checking: typed, normalised.
CREATE TEMP TABLE s (line INTEGER PRIMARY KEY, oid TEXT, cext TEXT, email TEXT, first TEXT, last TEXT, at TEXT, cur TEXT, sku TEXT, qty REAL, price REAL);
INSERT INTO temp.s SELECT rowid AS line, oid, cid AS cext, lower(email) AS email, name AS first, name AS last,
  replace(at, ' ', 'T') || '.0000000Z' AS at, cur, sku, CAST(qty AS REAL) AS qty, CAST(price AS REAL) AS price FROM raw;
CREATE INDEX temp.s_oid ON s(oid);
.timer on
BEGIN;
-- 1. customers known by external id or email
CREATE TEMP TABLE ck AS SELECT cext, min(line) AS line FROM temp.s GROUP BY cext;
CREATE TEMP TABLE cres AS SELECT ck.cext, ck.line, (SELECT x.customer_id FROM customer_external_ids x WHERE x.source = 'shop' AND x.external_id = ck.cext) AS id FROM temp.ck;
UPDATE temp.cres SET id = (SELECT min(c.id) FROM customers c WHERE c.email_normalized = (SELECT email FROM temp.s WHERE s.line = cres.line)) WHERE id IS NULL;
-- 2. create the missing ones from their first row
CREATE TEMP TABLE cnew AS SELECT cres.cext, s.* FROM temp.cres JOIN temp.s ON s.line = cres.line WHERE cres.id IS NULL ORDER BY cres.line;
INSERT INTO customers (id, first_name, last_name, email, email_normalized, search_text, updated_at, version, source, created_at)
  SELECT (SELECT coalesce(max(id), 0) FROM customers) + cnew.rowid, first, last, email, email, lower(first || ' ' || last || ' ' || email), '2026-11-22T00:00:00.0000000Z', 1, 'shop', '2026-11-22T00:00:00.0000000Z' FROM temp.cnew;
UPDATE temp.cres SET id = (SELECT c.id FROM customers c WHERE c.email_normalized = (SELECT email FROM temp.s WHERE s.line = cres.line)) WHERE id IS NULL;
INSERT INTO customer_external_ids (customer_id, source, external_id, created_at) SELECT id, 'shop', cext, '2026-11-22T00:00:00.0000000Z' FROM temp.cres WHERE NOT EXISTS (SELECT 1 FROM customer_external_ids x WHERE x.source='shop' AND x.external_id = cres.cext);
INSERT INTO customer_metrics (customer_id, purchase_count, revenue, interaction_count, updated_at) SELECT id, 0, 0, 0, '2026-11-22T00:00:00.0000000Z' FROM temp.cres WHERE NOT EXISTS (SELECT 1 FROM customer_metrics m WHERE m.customer_id = cres.id);
CREATE INDEX temp.cres_cext ON cres(cext);
-- 3. orders: one per order id (first row gives customer, date, currency), existing ones found by (external_id, customer)
CREATE TEMP TABLE o AS SELECT s.oid, min(s.line) AS line, sum(s.qty * s.price) AS total FROM temp.s GROUP BY s.oid;
CREATE TEMP TABLE ores AS SELECT o.oid, o.line, o.total, cres.id AS customer_id, s.at, s.cur,
   (SELECT t.id FROM transactions t WHERE t.external_id = o.oid AND t.customer_id = cres.id) AS id
   FROM temp.o JOIN temp.s ON s.line = o.line JOIN temp.cres ON cres.cext = s.cext ORDER BY o.line;
INSERT INTO transactions (id, customer_id, external_id, occurred_at, currency, total, source, created_at)
  SELECT (SELECT coalesce(max(id), 0) FROM transactions) + ores.rowid, customer_id, oid, at, cur, total, 'shop', '2026-11-22T00:00:00.0000000Z' FROM temp.ores WHERE id IS NULL ORDER BY ores.rowid;
UPDATE temp.ores SET id = (SELECT t.id FROM transactions t WHERE t.external_id = ores.oid AND t.customer_id = ores.customer_id) WHERE id IS NULL;
CREATE INDEX temp.ores_oid ON ores(oid);
-- 4. lines
INSERT INTO transaction_lines (transaction_id, customer_id, line_number, product_id, sku, quantity, unit_price, amount)
  SELECT ores.id, ores.customer_id, s.line - ores.line + 1, (SELECT p.id FROM products p WHERE p.sku = s.sku), s.sku, s.qty, s.price, s.qty * s.price
  FROM temp.s JOIN temp.ores ON ores.oid = s.oid ORDER BY s.line;
-- 5. metrics by addition
UPDATE customer_metrics SET first_purchase_at = CASE WHEN customer_metrics.first_purchase_at IS NULL OR customer_metrics.first_purchase_at > d.f THEN d.f ELSE customer_metrics.first_purchase_at END,
  last_purchase_at = CASE WHEN customer_metrics.last_purchase_at IS NULL OR customer_metrics.last_purchase_at < d.l THEN d.l ELSE customer_metrics.last_purchase_at END,
  purchase_count = purchase_count + d.n, revenue = revenue + d.r, updated_at = '2026-11-22T00:00:00.0000000Z'
  FROM (SELECT customer_id, min(at) AS f, max(at) AS l, count(*) AS n, sum(CASE WHEN cur = 'EUR' THEN total ELSE 0 END) AS r FROM temp.ores GROUP BY customer_id) AS d
  WHERE customer_metrics.customer_id = d.customer_id;
COMMIT;
.timer off
SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM transactions), (SELECT count(*) FROM transaction_lines), (SELECT sum(purchase_count) FROM customer_metrics);
