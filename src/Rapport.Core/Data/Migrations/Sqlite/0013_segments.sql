-- 0013 segments: each customer's purchases summed per product category and per product (what "purchased" rules read,
-- instead of scanning transaction lines), and the entered/left events of dynamic segments. docs/segments.md.
CREATE TABLE "customer_purchase_facts" (
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "first_at" TEXT NOT NULL,
    "last_at" TEXT NOT NULL,
    "purchase_count" INTEGER NOT NULL,
    "amount" REAL NOT NULL,
    CONSTRAINT "pk_customer_purchase_facts" PRIMARY KEY ("customer_id", "kind", "key"),
    CONSTRAINT "fk_customer_purchase_facts_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_customer_purchase_facts_kind_key_customer_id_last_at" ON "customer_purchase_facts" ("kind", "key", "customer_id", "last_at");

CREATE TABLE "segment_events" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_segment_events" PRIMARY KEY AUTOINCREMENT,
    "segment_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TEXT NOT NULL,
    CONSTRAINT "fk_segment_events_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_segment_events_segment_id" FOREIGN KEY ("segment_id") REFERENCES "segments" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_segment_events_customer_id" ON "segment_events" ("customer_id");
CREATE INDEX "ix_segment_events_segment_id_id" ON "segment_events" ("segment_id", "id");
