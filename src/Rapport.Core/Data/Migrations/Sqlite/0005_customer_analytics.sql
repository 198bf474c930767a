-- 0005 customer analytics: each customer's RFM scores and segment, purchase-model predictions and CLV in their metrics
-- row (written by the analytics recompute, in bulk after imports and nightly, and for one customer after their data
-- changes); the runs of that recompute with what they computed for the whole business (model fits, diagnostics, the
-- Pareto curve, cohorts, KPI facts) as JSON; and the targets set for KPIs.
ALTER TABLE "customer_metrics" ADD COLUMN "recency_score" INTEGER NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "frequency_score" INTEGER NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "monetary_score" INTEGER NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "rfm_segment" TEXT NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "p_alive" REAL NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "expected_purchases" REAL NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "expected_spend" REAL NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "predicted_revenue" REAL NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "clv" REAL NULL;
ALTER TABLE "customer_metrics" ADD COLUMN "analytics_at" TEXT NULL;

CREATE TABLE "analytics_runs" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_analytics_runs" PRIMARY KEY AUTOINCREMENT,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL,
    "customers" INTEGER NOT NULL,
    "purchases" INTEGER NOT NULL,
    "elapsed_ms" INTEGER NOT NULL,
    "result" TEXT NULL,
    "error" TEXT NULL
);

CREATE INDEX "ix_analytics_runs_status" ON "analytics_runs" ("status");

CREATE TABLE "kpi_targets" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_kpi_targets" PRIMARY KEY AUTOINCREMENT,
    "kpi" TEXT NOT NULL,
    "target" REAL NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by_user_id" INTEGER NULL,
    CONSTRAINT "fk_kpi_targets_updated_by_user_id" FOREIGN KEY ("updated_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE UNIQUE INDEX "ix_kpi_targets_kpi" ON "kpi_targets" ("kpi");
CREATE INDEX "ix_kpi_targets_updated_by_user_id" ON "kpi_targets" ("updated_by_user_id");
