-- 0001 initial schema: customers, companies, interactions, transactions, products, users, API keys, metrics.
-- Drafted from RapportDbContext with Database.GenerateCreateScript(); forward-only from here on.
CREATE TABLE "companies" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_companies" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "name_normalized" TEXT NOT NULL,
    "domain" TEXT NULL,
    "industry" TEXT NULL,
    "website" TEXT NULL,
    "phone" TEXT NULL,
    "city" TEXT NULL,
    "country" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL
);


CREATE TABLE "custom_fields" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_custom_fields" PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "options" TEXT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);


CREATE TABLE "products" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_products" PRIMARY KEY AUTOINCREMENT,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_normalized" TEXT NOT NULL,
    "description" TEXT NULL,
    "category" TEXT NULL,
    "kind" TEXT NOT NULL,
    "price" REAL NULL,
    "cost" REAL NULL,
    "currency" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL
);


CREATE TABLE "users" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "email_normalized" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "failed_sign_ins" INTEGER NOT NULL,
    "locked_until" TEXT NULL,
    "last_sign_in_at" TEXT NULL,
    "disabled" INTEGER NOT NULL,
    "security_stamp" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);


CREATE TABLE "api_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_api_keys" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "last_used_at" TEXT NULL,
    "revoked_at" TEXT NULL,
    CONSTRAINT "fk_api_keys_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);


CREATE TABLE "customers" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customers" PRIMARY KEY AUTOINCREMENT,
    "first_name" TEXT NULL,
    "last_name" TEXT NULL,
    "email" TEXT NULL,
    "email_normalized" TEXT NULL,
    "phone" TEXT NULL,
    "street" TEXT NULL,
    "city" TEXT NULL,
    "postal_code" TEXT NULL,
    "region" TEXT NULL,
    "country" TEXT NULL,
    "birth_date" TEXT NULL,
    "language" TEXT NULL,
    "company_id" INTEGER NULL,
    "owner_id" INTEGER NULL,
    "source" TEXT NOT NULL,
    "search_text" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_customers_company_id" FOREIGN KEY ("company_id") REFERENCES "companies" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_customers_owner_id" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE SET NULL
);


CREATE TABLE "customer_external_ids" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_external_ids" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_customer_external_ids_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_field_values" (
    "customer_id" INTEGER NOT NULL,
    "field_id" INTEGER NOT NULL,
    "text_value" TEXT NULL,
    "number_value" REAL NULL,
    "date_value" TEXT NULL,
    "bool_value" INTEGER NULL,
    CONSTRAINT "pk_customer_field_values" PRIMARY KEY ("customer_id", "field_id"),
    CONSTRAINT "fk_customer_field_values_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_customer_field_values_field_id" FOREIGN KEY ("field_id") REFERENCES "custom_fields" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_metrics" (
    "customer_id" INTEGER NOT NULL CONSTRAINT "pk_customer_metrics" PRIMARY KEY,
    "first_purchase_at" TEXT NULL,
    "last_purchase_at" TEXT NULL,
    "purchase_count" INTEGER NOT NULL,
    "revenue" REAL NOT NULL,
    "interaction_count" INTEGER NOT NULL,
    "last_interaction_at" TEXT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_customer_metrics_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_tags" (
    "customer_id" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    CONSTRAINT "pk_customer_tags" PRIMARY KEY ("customer_id", "tag"),
    CONSTRAINT "fk_customer_tags_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);


CREATE TABLE "interactions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_interactions" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "subject" TEXT NULL,
    "notes" TEXT NULL,
    "occurred_at" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_interactions_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_interactions_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);


CREATE TABLE "transactions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_transactions" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "external_id" TEXT NULL,
    "occurred_at" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "total" REAL NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_transactions_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);


CREATE TABLE "transaction_lines" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_transaction_lines" PRIMARY KEY AUTOINCREMENT,
    "transaction_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "product_id" INTEGER NULL,
    "sku" TEXT NULL,
    "description" TEXT NULL,
    "quantity" REAL NOT NULL,
    "unit_price" REAL NOT NULL,
    "amount" REAL NOT NULL,
    CONSTRAINT "fk_transaction_lines_product_id" FOREIGN KEY ("product_id") REFERENCES "products" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_transaction_lines_transaction_id" FOREIGN KEY ("transaction_id") REFERENCES "transactions" ("id") ON DELETE CASCADE
);


CREATE INDEX "ix_api_keys_created_by_user_id" ON "api_keys" ("created_by_user_id");


CREATE UNIQUE INDEX "ix_api_keys_prefix" ON "api_keys" ("prefix");


CREATE INDEX "ix_companies_domain" ON "companies" ("domain");


CREATE INDEX "ix_companies_name_normalized" ON "companies" ("name_normalized");


CREATE UNIQUE INDEX "ix_custom_fields_key" ON "custom_fields" ("key");


CREATE INDEX "ix_customer_external_ids_customer_id" ON "customer_external_ids" ("customer_id");


CREATE UNIQUE INDEX "ix_customer_external_ids_source_external_id" ON "customer_external_ids" ("source", "external_id");


CREATE INDEX "ix_customer_field_values_field_id" ON "customer_field_values" ("field_id");


CREATE INDEX "ix_customer_metrics_last_purchase_at" ON "customer_metrics" ("last_purchase_at");


CREATE INDEX "ix_customer_metrics_revenue" ON "customer_metrics" ("revenue");


CREATE INDEX "ix_customer_tags_tag_customer_id" ON "customer_tags" ("tag", "customer_id");


CREATE INDEX "ix_customers_company_id" ON "customers" ("company_id");


CREATE INDEX "ix_customers_created_at" ON "customers" ("created_at");


CREATE INDEX "ix_customers_email_normalized" ON "customers" ("email_normalized");


CREATE INDEX "ix_customers_last_name_first_name_id" ON "customers" ("last_name", "first_name", "id");


CREATE INDEX "ix_customers_owner_id" ON "customers" ("owner_id");


CREATE INDEX "ix_interactions_created_by_user_id" ON "interactions" ("created_by_user_id");


CREATE INDEX "ix_interactions_customer_id_occurred_at_id" ON "interactions" ("customer_id", "occurred_at", "id");


CREATE INDEX "ix_interactions_occurred_at" ON "interactions" ("occurred_at");


CREATE INDEX "ix_products_category" ON "products" ("category");


CREATE INDEX "ix_products_name_normalized" ON "products" ("name_normalized");


CREATE UNIQUE INDEX "ix_products_sku" ON "products" ("sku");


CREATE INDEX "ix_transaction_lines_customer_id" ON "transaction_lines" ("customer_id");


CREATE INDEX "ix_transaction_lines_product_id" ON "transaction_lines" ("product_id");


CREATE INDEX "ix_transaction_lines_transaction_id" ON "transaction_lines" ("transaction_id");


CREATE UNIQUE INDEX "ix_transactions_customer_id_external_id" ON "transactions" ("customer_id", "external_id");


CREATE INDEX "ix_transactions_customer_id_occurred_at_id" ON "transactions" ("customer_id", "occurred_at", "id");


CREATE INDEX "ix_transactions_occurred_at_currency_total" ON "transactions" ("occurred_at", "currency", "total");


CREATE UNIQUE INDEX "ix_users_email_normalized" ON "users" ("email_normalized");



