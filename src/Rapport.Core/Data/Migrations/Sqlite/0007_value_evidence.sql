-- 0007 value evidence: one row per piece of evidence that a customer (or an anonymous respondent) cares about a value,
-- written by survey responses (stated), coded interview excerpts (coded) and theme detection on free text (mention).
-- Each producer replaces all the rows of one source (source_type, source_id) at once. docs/research.md, "Evidence".

CREATE TABLE "value_evidence" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_value_evidence" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NULL,
    "value_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "source_type" TEXT NOT NULL,
    "source_id" INTEGER NOT NULL,
    "observed_at" TEXT NOT NULL,
    "signal" REAL NOT NULL,
    "sentiment" REAL NULL,
    "quote" TEXT NOT NULL,
    CONSTRAINT "fk_value_evidence_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_value_evidence_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_value_evidence_customer_id_value_id" ON "value_evidence" ("customer_id", "value_id");
CREATE INDEX "ix_value_evidence_source_type_source_id" ON "value_evidence" ("source_type", "source_id");
CREATE INDEX "ix_value_evidence_value_id_observed_at" ON "value_evidence" ("value_id", "observed_at");
