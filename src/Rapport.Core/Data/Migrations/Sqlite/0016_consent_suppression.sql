-- 0016 consent and suppression: the append-only consent ledger (consent_events) and its current state
-- (consent_state), the suppression list of keyed address hashes (suppressions) with the customers it matches
-- (suppression_matches), and the nonce of each customer's preferences link (preference_links). docs/privacy.md.

CREATE TABLE "consent_events" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_consent_events" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "source_reference" TEXT NULL,
    "notice_version" TEXT NULL,
    "occurred_at" TEXT NOT NULL,
    "recorded_at" TEXT NOT NULL,
    "ip_address" TEXT NULL,
    "user_agent" TEXT NULL,
    "recorded_by_user_id" INTEGER NULL,
    "recorded_by_api_key_id" INTEGER NULL,
    CONSTRAINT "fk_consent_events_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_consent_events_customer_id_occurred_at_id" ON "consent_events" ("customer_id", "occurred_at", "id");

-- Append-only: no line is ever changed, and none is deleted while its customer exists (the cascade of deleting or
-- merging away a customer runs after the customer row is gone, so it passes).
CREATE TRIGGER "consent_events_no_update" BEFORE UPDATE ON "consent_events"
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only: UPDATE is refused');
END;

CREATE TRIGGER "consent_events_no_delete" BEFORE DELETE ON "consent_events"
WHEN EXISTS (SELECT 1 FROM "customers" c WHERE c."id" = OLD."customer_id")
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only: DELETE is refused');
END;

CREATE TABLE "consent_state" (
    "customer_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "since" TEXT NOT NULL,
    "event_id" INTEGER NOT NULL,
    CONSTRAINT "pk_consent_state" PRIMARY KEY ("customer_id", "channel", "purpose"),
    CONSTRAINT "fk_consent_state_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_consent_state_channel_purpose_customer_id_status_legal_basis" ON "consent_state" ("channel", "purpose", "customer_id", "status", "legal_basis");

CREATE TABLE "suppressions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_suppressions" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "address_hash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL
);

CREATE UNIQUE INDEX "ix_suppressions_kind_address_hash" ON "suppressions" ("kind", "address_hash");

CREATE TABLE "suppression_matches" (
    "customer_id" INTEGER NOT NULL,
    "suppression_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    CONSTRAINT "pk_suppression_matches" PRIMARY KEY ("customer_id", "suppression_id"),
    CONSTRAINT "fk_suppression_matches_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_suppression_matches_suppression_id" FOREIGN KEY ("suppression_id") REFERENCES "suppressions" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_suppression_matches_suppression_id" ON "suppression_matches" ("suppression_id");

CREATE TABLE "preference_links" (
    "customer_id" INTEGER NOT NULL CONSTRAINT "pk_preference_links" PRIMARY KEY,
    "nonce" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_preference_links_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

-- Profiling switched off with issue 5's switch becomes the ledger's first event for that customer, so the switch
-- stays derived from the ledger from here on (docs/privacy.md, "Profiling").
INSERT INTO "consent_events" ("customer_id", "channel", "purpose", "status", "legal_basis", "source", "source_reference", "notice_version", "occurred_at", "recorded_at", "ip_address", "user_agent", "recorded_by_user_id", "recorded_by_api_key_id")
SELECT p."customer_id", 'Email', 'Profiling', 'Withdrawn', 'LegitimateInterest', 'Staff', 'profiling switch before 0016' || COALESCE(': ' || substr(p."profiling_changed_by", 1, 150), ''), NULL,
    COALESCE(p."profiling_changed_at", strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now')), strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now'), NULL, NULL, NULL, NULL
FROM "customer_value_profiles" p
WHERE NOT p."profiling_enabled";

INSERT INTO "consent_state" ("customer_id", "channel", "purpose", "status", "legal_basis", "since", "event_id")
SELECT e."customer_id", e."channel", e."purpose", e."status", e."legal_basis", e."occurred_at", e."id"
FROM "consent_events" e;
