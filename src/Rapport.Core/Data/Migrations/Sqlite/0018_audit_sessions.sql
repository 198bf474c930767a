-- 0018 the audit log (append-only: triggers refuse UPDATE and DELETE) and server-side staff sessions.
-- docs/audit.md, docs/security.md.
CREATE TABLE "audit_events" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_audit_events" PRIMARY KEY AUTOINCREMENT,
    "occurred_at" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" INTEGER NULL,
    "actor_label" TEXT NULL,
    "ip" TEXT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NULL,
    "entity_id" TEXT NULL,
    "customer_id" INTEGER NULL,
    "changes" TEXT NULL
);

CREATE INDEX "ix_audit_events_customer_id_id" ON "audit_events" ("customer_id", "id");
CREATE INDEX "ix_audit_events_actor_kind_actor_id_id" ON "audit_events" ("actor_kind", "actor_id", "id");
CREATE INDEX "ix_audit_events_action_id" ON "audit_events" ("action", "id");
CREATE INDEX "ix_audit_events_entity_type_entity_id" ON "audit_events" ("entity_type", "entity_id");
CREATE INDEX "ix_audit_events_occurred_at" ON "audit_events" ("occurred_at");

CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events"
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER "audit_events_no_delete" BEFORE DELETE ON "audit_events"
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TABLE "user_sessions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_user_sessions" PRIMARY KEY,
    "user_id" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "last_seen_at" TEXT NOT NULL,
    "expires_at" TEXT NOT NULL,
    "ip" TEXT NULL,
    "user_agent" TEXT NULL,
    "revoked_at" TEXT NULL,
    CONSTRAINT "fk_user_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_user_sessions_user_id" ON "user_sessions" ("user_id");
