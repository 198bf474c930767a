-- 0012 stages: the stage engine's settings (one row; none = the defaults), manual overrides (one per customer) and
-- the stage history (a row per change). docs/stages.md.
CREATE TABLE "stage_settings" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_stage_settings" PRIMARY KEY,
    "engagement_window_days" INTEGER NOT NULL,
    "engagement_types" TEXT NOT NULL,
    "connection_window_days" INTEGER NOT NULL,
    "repeat_window_days" INTEGER NOT NULL,
    "loyalty_min_purchases" INTEGER NOT NULL,
    "loyalty_window_days" INTEGER NOT NULL,
    "loyalty_min_p_alive" REAL NOT NULL,
    "promoter_enabled" INTEGER NOT NULL,
    "promoter_min_score" INTEGER NOT NULL,
    "loyalty_tag_enabled" INTEGER NOT NULL,
    "loyalty_tag" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by_user_id" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_stage_settings_updated_by_user_id" FOREIGN KEY ("updated_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_stage_settings_updated_by_user_id" ON "stage_settings" ("updated_by_user_id");

CREATE TABLE "stage_overrides" (
    "customer_id" INTEGER NOT NULL CONSTRAINT "pk_stage_overrides" PRIMARY KEY,
    "stage" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "expires_at" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_stage_overrides_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_stage_overrides_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_stage_overrides_created_by_user_id" ON "stage_overrides" ("created_by_user_id");
CREATE INDEX "ix_stage_overrides_expires_at" ON "stage_overrides" ("expires_at");

CREATE TABLE "stage_changes" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_stage_changes" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "from_stage" INTEGER NULL,
    "to_stage" INTEGER NOT NULL,
    "changed_at" TEXT NOT NULL,
    "from_since" TEXT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NULL,
    "user_id" INTEGER NULL,
    CONSTRAINT "fk_stage_changes_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_stage_changes_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_stage_changes_changed_at_to_stage" ON "stage_changes" ("changed_at", "to_stage");
CREATE INDEX "ix_stage_changes_customer_id_changed_at_id" ON "stage_changes" ("customer_id", "changed_at", "id");
CREATE INDEX "ix_stage_changes_user_id" ON "stage_changes" ("user_id");
