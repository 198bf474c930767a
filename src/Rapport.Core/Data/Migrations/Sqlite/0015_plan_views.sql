-- 0015 the CRM plan and saved customer-list views: the plan itself (one row), its goals with measurable objectives
-- (KPI, target, baseline, deadline), target segments, prioritised shared values with messaging pillars, the data
-- plan; and customer_views (a named list definition, personal or shared). docs/plan.md, docs/customer-views.md.
CREATE TABLE "plans" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_plans" PRIMARY KEY,
    "title" TEXT NOT NULL,
    "summary" TEXT NULL,
    "period" TEXT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by_user_id" INTEGER NULL,
    "updated_by" TEXT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_plans_updated_by_user_id" FOREIGN KEY ("updated_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE INDEX "ix_plans_updated_by_user_id" ON "plans" ("updated_by_user_id");

CREATE TABLE "plan_goals" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_plan_goals" PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "plan_objectives" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_plan_objectives" PRIMARY KEY AUTOINCREMENT,
    "goal_id" INTEGER NOT NULL,
    "kpi" TEXT NOT NULL,
    "target" REAL NOT NULL,
    "baseline" REAL NULL,
    "baseline_at" TEXT NOT NULL,
    "deadline" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_plan_objectives_goal_id" FOREIGN KEY ("goal_id") REFERENCES "plan_goals" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_plan_objectives_goal_id_position" ON "plan_objectives" ("goal_id", "position");

CREATE TABLE "plan_segments" (
    "segment_id" INTEGER NOT NULL CONSTRAINT "pk_plan_segments" PRIMARY KEY,
    "position" INTEGER NOT NULL,
    CONSTRAINT "fk_plan_segments_segment_id" FOREIGN KEY ("segment_id") REFERENCES "segments" ("id") ON DELETE CASCADE
);

CREATE TABLE "plan_values" (
    "value_id" INTEGER NOT NULL CONSTRAINT "pk_plan_values" PRIMARY KEY,
    "position" INTEGER NOT NULL,
    "headline" TEXT NULL,
    "proof_points" TEXT NULL,
    CONSTRAINT "fk_plan_values_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE TABLE "plan_data_items" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_plan_data_items" PRIMARY KEY AUTOINCREMENT,
    "position" INTEGER NOT NULL,
    "what" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "source" TEXT NULL,
    "legal_basis" TEXT NULL,
    "retention" TEXT NULL
);

CREATE INDEX "ix_plan_data_items_position" ON "plan_data_items" ("position");

CREATE TABLE "customer_views" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_views" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "owner_user_id" INTEGER NULL,
    "owner_api_key_id" INTEGER NULL,
    "shared" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_customer_views_owner_api_key_id" FOREIGN KEY ("owner_api_key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_customer_views_owner_user_id" FOREIGN KEY ("owner_user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_customer_views_owner_api_key_id" ON "customer_views" ("owner_api_key_id");
CREATE INDEX "ix_customer_views_owner_user_id" ON "customer_views" ("owner_user_id");
CREATE INDEX "ix_customer_views_shared_name" ON "customer_views" ("shared", "name");
