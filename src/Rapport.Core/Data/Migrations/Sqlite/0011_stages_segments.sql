-- 0011 stages and segments, shared part: every customer's relationship stage and since when (in customer_metrics,
-- kept by the stage engine); the queue of customers whose derived facts must follow a bulk change; segments with
-- their members; one playbook per stage. docs/stages.md, docs/segments.md, docs/playbooks.md.
ALTER TABLE "customer_metrics" ADD COLUMN "stage" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "customer_metrics" ADD COLUMN "stage_since" TEXT NULL;
CREATE INDEX "ix_customer_metrics_stage" ON "customer_metrics" ("stage");

CREATE TABLE "customer_changes" (
    "customer_id" INTEGER NOT NULL CONSTRAINT "pk_customer_changes" PRIMARY KEY,
    "changed_at" TEXT NOT NULL
);

CREATE INDEX "ix_customer_changes_changed_at" ON "customer_changes" ("changed_at");

CREATE TABLE "segments" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_segments" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "kind" TEXT NOT NULL,
    "rules" TEXT NOT NULL,
    "member_count" INTEGER NOT NULL,
    "evaluated_at" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_segments_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_segments_created_by_user_id" ON "segments" ("created_by_user_id");
CREATE INDEX "ix_segments_name" ON "segments" ("name");

CREATE TABLE "segment_members" (
    "segment_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "added_at" TEXT NOT NULL,
    CONSTRAINT "pk_segment_members" PRIMARY KEY ("segment_id", "customer_id"),
    CONSTRAINT "fk_segment_members_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_segment_members_segment_id" FOREIGN KEY ("segment_id") REFERENCES "segments" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_segment_members_customer_id_segment_id" ON "segment_members" ("customer_id", "segment_id");

CREATE TABLE "playbooks" (
    "stage" INTEGER NOT NULL CONSTRAINT "pk_playbooks" PRIMARY KEY,
    "min_days_between_contacts" INTEGER NOT NULL,
    "max_contacts_per_thirty_days" INTEGER NOT NULL,
    "max_days_without_contact" INTEGER NULL,
    "channels" TEXT NOT NULL,
    "emphasis" TEXT NOT NULL,
    "templates" TEXT NULL,
    "notes" TEXT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by_user_id" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_playbooks_updated_by_user_id" FOREIGN KEY ("updated_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_playbooks_updated_by_user_id" ON "playbooks" ("updated_by_user_id");
