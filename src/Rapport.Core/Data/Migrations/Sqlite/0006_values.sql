-- 0006 values: the value taxonomy (taxonomy_values; retired and merged values stay, with merged_into_id pointing to
-- the value that took them over), its history (value_changes), the business's importance ratings with evidence and
-- owner (value_ratings, append-only: the newest per value is current), products tagged with the values they support
-- (product_values, strength 1-3) and partners or influencers rated on the values (partners, partner_values, 1-5).
-- The twelve default values are inserted by DatabaseMigrator in this script's transaction (DefaultValuesSeed), from
-- the one list in code that theme detection also reads.

CREATE TABLE "taxonomy_values" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_taxonomy_values" PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "vocabulary" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "merged_into_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_taxonomy_values_merged_into_id" FOREIGN KEY ("merged_into_id") REFERENCES "taxonomy_values" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "ix_taxonomy_values_key" ON "taxonomy_values" ("key");
CREATE INDEX "ix_taxonomy_values_merged_into_id" ON "taxonomy_values" ("merged_into_id");

CREATE TABLE "value_changes" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_value_changes" PRIMARY KEY AUTOINCREMENT,
    "value_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "before" TEXT NULL,
    "after" TEXT NULL,
    "related_key" TEXT NULL,
    "changed_by_user_id" INTEGER NULL,
    "changed_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_value_changes_changed_by_user_id" FOREIGN KEY ("changed_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_value_changes_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_value_changes_changed_by_user_id" ON "value_changes" ("changed_by_user_id");
CREATE INDEX "ix_value_changes_value_id_id" ON "value_changes" ("value_id", "id");

CREATE TABLE "value_ratings" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_value_ratings" PRIMARY KEY AUTOINCREMENT,
    "value_id" INTEGER NOT NULL,
    "importance" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL,
    "owner_user_id" INTEGER NULL,
    "rated_by_user_id" INTEGER NULL,
    "rated_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_value_ratings_owner_user_id" FOREIGN KEY ("owner_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_value_ratings_rated_by_user_id" FOREIGN KEY ("rated_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_value_ratings_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_value_ratings_owner_user_id" ON "value_ratings" ("owner_user_id");
CREATE INDEX "ix_value_ratings_rated_by_user_id" ON "value_ratings" ("rated_by_user_id");
CREATE INDEX "ix_value_ratings_value_id_id" ON "value_ratings" ("value_id", "id");

CREATE TABLE "product_values" (
    "product_id" INTEGER NOT NULL,
    "value_id" INTEGER NOT NULL,
    "strength" INTEGER NOT NULL,
    CONSTRAINT "pk_product_values" PRIMARY KEY ("product_id", "value_id"),
    CONSTRAINT "fk_product_values_product_id" FOREIGN KEY ("product_id") REFERENCES "products" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_product_values_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_product_values_value_id" ON "product_values" ("value_id");

CREATE TABLE "partners" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_partners" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "audience" TEXT NULL,
    "channels" TEXT NULL,
    "contact" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "partner_values" (
    "partner_id" INTEGER NOT NULL,
    "value_id" INTEGER NOT NULL,
    "rating" INTEGER NOT NULL,
    CONSTRAINT "pk_partner_values" PRIMARY KEY ("partner_id", "value_id"),
    CONSTRAINT "fk_partner_values_partner_id" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_partner_values_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_partner_values_value_id" ON "partner_values" ("value_id");
