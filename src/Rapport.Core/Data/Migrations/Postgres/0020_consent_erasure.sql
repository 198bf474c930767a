-- 0020 the consent ledger meets erasure: the ledger stays append-only, with one exception. When a customer has been
-- erased (customers.erased_at set), their events may lose exactly what identified the person (IP address, user agent,
-- free-text source reference), and nothing else may change. docs/privacy-requests.md, "Erasure".

CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM customers c WHERE c.id = OLD.customer_id AND c.erased_at IS NOT NULL)
           AND NEW.ip_address IS NULL AND NEW.user_agent IS NULL AND NEW.source_reference IS NULL
           AND (NEW.id, NEW.customer_id, NEW.channel, NEW.purpose, NEW.status, NEW.legal_basis, NEW.source, NEW.occurred_at, NEW.recorded_at)
               = (OLD.id, OLD.customer_id, OLD.channel, OLD.purpose, OLD.status, OLD.legal_basis, OLD.source, OLD.occurred_at, OLD.recorded_at)
           AND NEW.notice_version IS NOT DISTINCT FROM OLD.notice_version
           AND NEW.recorded_by_user_id IS NOT DISTINCT FROM OLD.recorded_by_user_id
           AND NEW.recorded_by_api_key_id IS NOT DISTINCT FROM OLD.recorded_by_api_key_id THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_events is append-only: UPDATE is refused' USING ERRCODE = 'restrict_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM customers c WHERE c.id = OLD.customer_id) THEN
        RAISE EXCEPTION 'consent_events is append-only: DELETE is refused' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END;
$$;
