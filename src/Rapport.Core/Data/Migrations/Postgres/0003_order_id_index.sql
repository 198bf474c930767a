-- 0003 one index for order ids: the unique (customer_id, external_id) and the plain (external_id) index become one
-- unique (external_id, customer_id) index. Same uniqueness; lookups by order id alone and by customer and order id
-- both use it; one B-tree less to maintain per stored order, and an order history written in order-id order appends
-- to it instead of inserting all over it (docs/benchmarks.md, CSV import).
DROP INDEX ix_transactions_customer_id_external_id;
DROP INDEX ix_transactions_external_id;
CREATE UNIQUE INDEX ix_transactions_external_id_customer_id ON transactions (external_id, customer_id);
