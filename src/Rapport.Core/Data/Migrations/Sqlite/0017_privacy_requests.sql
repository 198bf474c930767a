-- 0017 data-subject requests (the request log), erasure (customers.erased_at marks a tombstone) and retention rules
-- with their runs. docs/privacy-requests.md.
ALTER TABLE "customers" ADD COLUMN "erased_at" TEXT NULL;

CREATE TABLE "privacy_requests" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_privacy_requests" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "customer_id" INTEGER NULL,
    "requester_contact" TEXT NOT NULL,
    "received_at" TEXT NOT NULL,
    "due_at" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "handled_by_user_id" INTEGER NULL,
    "notes" TEXT NULL,
    "completed_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_privacy_requests_handled_by_user_id" FOREIGN KEY ("handled_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_privacy_requests_customer_id" ON "privacy_requests" ("customer_id");
CREATE INDEX "ix_privacy_requests_handled_by_user_id" ON "privacy_requests" ("handled_by_user_id");
CREATE INDEX "ix_privacy_requests_status_due_at" ON "privacy_requests" ("status", "due_at");

CREATE TABLE "retention_rules" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_retention_rules" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "months" INTEGER NOT NULL,
    "enabled" INTEGER NOT NULL,
    "dry_run_at" TEXT NULL,
    "dry_run_count" INTEGER NULL,
    "last_applied_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "retention_runs" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_retention_runs" PRIMARY KEY AUTOINCREMENT,
    "rule_id" INTEGER NOT NULL,
    "dry_run" INTEGER NOT NULL,
    "started_by_user_id" INTEGER NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL,
    "matched" INTEGER NOT NULL,
    "deleted" INTEGER NOT NULL,
    "erased" INTEGER NOT NULL,
    "error" TEXT NULL,
    CONSTRAINT "fk_retention_runs_rule_id" FOREIGN KEY ("rule_id") REFERENCES "retention_rules" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_retention_runs_started_by_user_id" FOREIGN KEY ("started_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_retention_runs_rule_id_started_at" ON "retention_runs" ("rule_id", "started_at");
CREATE INDEX "ix_retention_runs_started_by_user_id" ON "retention_runs" ("started_by_user_id");
