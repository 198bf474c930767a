-- 0004 order lines lose their index by customer. Lines keep their customer_id column (analytics read a customer's lines
-- with it), but nothing looks lines up by customer alone: a merge moves them by their order. Every stored line was one
-- insert into that index at a random place (lines arrive in order, their customers in no order), which measured as a
-- third of the cost of writing a line (docs/benchmarks.md, CSV import).
DROP INDEX ix_transaction_lines_customer_id;
