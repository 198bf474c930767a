-- 0002 data in and out: imports with rejects, idempotency keys and ingested message ids, duplicate candidates
-- and merges, webhook subscriptions with deliveries and attempts; interactions and companies get an external id; orders are
-- found by their id alone. Drafted from RapportDbContext with `rapport db script`.
ALTER TABLE "companies" ADD COLUMN "external_id" TEXT NULL;
ALTER TABLE "interactions" ADD COLUMN "external_id" TEXT NULL;

CREATE TABLE "imports" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_imports" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "stored_path" TEXT NOT NULL,
    "file_size" INTEGER NOT NULL,
    "file_sha256" TEXT NOT NULL,
    "dry_run" INTEGER NOT NULL,
    "options" TEXT NOT NULL,
    "rows_read" INTEGER NOT NULL,
    "created" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "merged" INTEGER NOT NULL,
    "rejected" INTEGER NOT NULL,
    "committed_line" INTEGER NOT NULL,
    "committed_offset" INTEGER NOT NULL,
    "error" TEXT NULL,
    "started_at" TEXT NULL,
    "heartbeat_at" TEXT NULL,
    "finished_at" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_imports_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE TABLE "import_rejects" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_import_rejects" PRIMARY KEY AUTOINCREMENT,
    "import_id" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    CONSTRAINT "fk_import_rejects_import_id" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE CASCADE
);

CREATE TABLE "idempotency_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_idempotency_keys" PRIMARY KEY AUTOINCREMENT,
    "api_key_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER NULL,
    "content_type" TEXT NULL,
    "response_body" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "completed_at" TEXT NULL,
    CONSTRAINT "fk_idempotency_keys_api_key_id" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE
);

CREATE TABLE "ingested_messages" (
    "message_id" TEXT NOT NULL CONSTRAINT "pk_ingested_messages" PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "entity_id" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "duplicate_candidates" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_duplicate_candidates" PRIMARY KEY AUTOINCREMENT,
    "customer_id_a" INTEGER NOT NULL,
    "customer_id_b" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "reasons" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "detected_at" TEXT NOT NULL,
    "resolved_at" TEXT NULL,
    "resolved_by_user_id" INTEGER NULL,
    CONSTRAINT "fk_duplicate_candidates_customer_id_a" FOREIGN KEY ("customer_id_a") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_duplicate_candidates_customer_id_b" FOREIGN KEY ("customer_id_b") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_duplicate_candidates_resolved_by_user_id" FOREIGN KEY ("resolved_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE TABLE "customer_merges" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_merges" PRIMARY KEY AUTOINCREMENT,
    "surviving_customer_id" INTEGER NOT NULL,
    "merged_customer_id" INTEGER NOT NULL,
    "field_choices" TEXT NOT NULL,
    "merged_snapshot" TEXT NOT NULL,
    "moved" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "merged_by_user_id" INTEGER NULL,
    "merged_at" TEXT NOT NULL,
    CONSTRAINT "fk_customer_merges_merged_by_user_id" FOREIGN KEY ("merged_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE TABLE "webhook_subscriptions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY AUTOINCREMENT,
    "url" TEXT NOT NULL,
    "description" TEXT NULL,
    "event_types" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_webhook_subscriptions_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE TABLE "webhook_deliveries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY AUTOINCREMENT,
    "subscription_id" INTEGER NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "next_attempt_at" TEXT NOT NULL,
    "last_attempt_at" TEXT NULL,
    "last_status_code" INTEGER NULL,
    "last_error" TEXT NULL,
    "delivered_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_webhook_deliveries_subscription_id" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions" ("id") ON DELETE CASCADE
);

CREATE TABLE "webhook_attempts" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_webhook_attempts" PRIMARY KEY AUTOINCREMENT,
    "delivery_id" INTEGER NOT NULL,
    "attempted_at" TEXT NOT NULL,
    "status_code" INTEGER NULL,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT NULL,
    CONSTRAINT "fk_webhook_attempts_delivery_id" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_customer_merges_merged_by_user_id" ON "customer_merges" ("merged_by_user_id");

CREATE INDEX "ix_customer_merges_merged_customer_id" ON "customer_merges" ("merged_customer_id");

CREATE INDEX "ix_customer_merges_surviving_customer_id" ON "customer_merges" ("surviving_customer_id");

CREATE UNIQUE INDEX "ix_duplicate_candidates_customer_id_a_customer_id_b" ON "duplicate_candidates" ("customer_id_a", "customer_id_b");

CREATE INDEX "ix_duplicate_candidates_customer_id_b" ON "duplicate_candidates" ("customer_id_b");

CREATE INDEX "ix_duplicate_candidates_resolved_by_user_id" ON "duplicate_candidates" ("resolved_by_user_id");

CREATE INDEX "ix_duplicate_candidates_status_score" ON "duplicate_candidates" ("status", "score");

CREATE UNIQUE INDEX "ix_idempotency_keys_api_key_id_key" ON "idempotency_keys" ("api_key_id", "key");

CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at");

CREATE INDEX "ix_import_rejects_import_id_line_number" ON "import_rejects" ("import_id", "line_number");

CREATE INDEX "ix_imports_created_at" ON "imports" ("created_at");

CREATE INDEX "ix_imports_created_by_user_id" ON "imports" ("created_by_user_id");

CREATE INDEX "ix_imports_status" ON "imports" ("status");

CREATE UNIQUE INDEX "ix_interactions_external_id" ON "interactions" ("external_id");

CREATE INDEX "ix_transactions_external_id" ON "transactions" ("external_id");

CREATE INDEX "ix_webhook_attempts_delivery_id" ON "webhook_attempts" ("delivery_id");

CREATE INDEX "ix_webhook_deliveries_status_next_attempt_at" ON "webhook_deliveries" ("status", "next_attempt_at");

CREATE INDEX "ix_webhook_deliveries_subscription_id_id" ON "webhook_deliveries" ("subscription_id", "id");

CREATE INDEX "ix_webhook_subscriptions_created_by_user_id" ON "webhook_subscriptions" ("created_by_user_id");

CREATE UNIQUE INDEX "ix_companies_external_id" ON "companies" ("external_id");
