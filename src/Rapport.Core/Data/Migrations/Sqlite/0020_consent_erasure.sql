-- 0020 the consent ledger meets erasure: the ledger stays append-only, with one exception. When a customer has been
-- erased (customers.erased_at set), their events may lose exactly what identified the person (IP address, user agent,
-- free-text source reference), and nothing else may change. docs/privacy-requests.md, "Erasure".

DROP TRIGGER "consent_events_no_update";

CREATE TRIGGER "consent_events_no_update" BEFORE UPDATE ON "consent_events"
WHEN NOT (
    EXISTS (SELECT 1 FROM "customers" c WHERE c."id" = OLD."customer_id" AND c."erased_at" IS NOT NULL)
    AND NEW."ip_address" IS NULL AND NEW."user_agent" IS NULL AND NEW."source_reference" IS NULL
    AND NEW."id" = OLD."id" AND NEW."customer_id" = OLD."customer_id" AND NEW."channel" = OLD."channel"
    AND NEW."purpose" = OLD."purpose" AND NEW."status" = OLD."status" AND NEW."legal_basis" = OLD."legal_basis"
    AND NEW."source" = OLD."source" AND NEW."notice_version" IS OLD."notice_version" AND NEW."occurred_at" = OLD."occurred_at"
    AND NEW."recorded_at" = OLD."recorded_at" AND NEW."recorded_by_user_id" IS OLD."recorded_by_user_id"
    AND NEW."recorded_by_api_key_id" IS OLD."recorded_by_api_key_id"
)
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only: UPDATE is refused');
END;
