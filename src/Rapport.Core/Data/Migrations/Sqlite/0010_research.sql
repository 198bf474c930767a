-- 0010 research sessions and themes: interviews and focus groups (research_sessions) with their participants, coded
-- excerpts of the transcript and their codes (a value or a free theme, with a stance); and the review of emergent themes
-- (theme_proposals, one row per phrase by its stems, so a decided phrase is not proposed again). docs/research.md.

CREATE TABLE "research_sessions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_research_sessions" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "held_at" TEXT NOT NULL,
    "interviewer_user_id" INTEGER NULL,
    "interviewer_name" TEXT NULL,
    "transcript" TEXT NOT NULL,
    "summary" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_research_sessions_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_research_sessions_interviewer_user_id" FOREIGN KEY ("interviewer_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);

CREATE TABLE "theme_proposals" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_theme_proposals" PRIMARY KEY AUTOINCREMENT,
    "phrase" TEXT NOT NULL,
    "stems" TEXT NOT NULL,
    "texts" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "examples" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "decided_by_user_id" INTEGER NULL,
    "decided_by" TEXT NULL,
    "decided_at" TEXT NULL,
    "value_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_theme_proposals_decided_by_user_id" FOREIGN KEY ("decided_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_theme_proposals_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE SET NULL
);

CREATE TABLE "research_excerpts" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_research_excerpts" PRIMARY KEY AUTOINCREMENT,
    "session_id" INTEGER NOT NULL,
    "start" INTEGER NOT NULL,
    "length" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "speaker_customer_id" INTEGER NULL,
    "note" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_research_excerpts_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_research_excerpts_session_id" FOREIGN KEY ("session_id") REFERENCES "research_sessions" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_research_excerpts_speaker_customer_id" FOREIGN KEY ("speaker_customer_id") REFERENCES "customers" ("id") ON DELETE SET NULL
);

CREATE TABLE "research_session_participants" (
    "session_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    CONSTRAINT "pk_research_session_participants" PRIMARY KEY ("session_id", "customer_id"),
    CONSTRAINT "fk_research_session_participants_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_research_session_participants_session_id" FOREIGN KEY ("session_id") REFERENCES "research_sessions" ("id") ON DELETE CASCADE
);

CREATE TABLE "research_excerpt_codes" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_research_excerpt_codes" PRIMARY KEY AUTOINCREMENT,
    "excerpt_id" INTEGER NOT NULL,
    "value_id" INTEGER NULL,
    "theme" TEXT NULL,
    "stance" TEXT NOT NULL,
    CONSTRAINT "fk_research_excerpt_codes_excerpt_id" FOREIGN KEY ("excerpt_id") REFERENCES "research_excerpts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_research_excerpt_codes_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_research_excerpt_codes_excerpt_id" ON "research_excerpt_codes" ("excerpt_id");

CREATE INDEX "ix_research_excerpt_codes_value_id" ON "research_excerpt_codes" ("value_id");

CREATE INDEX "ix_research_excerpts_created_by_user_id" ON "research_excerpts" ("created_by_user_id");

CREATE INDEX "ix_research_excerpts_session_id_start" ON "research_excerpts" ("session_id", "start");

CREATE INDEX "ix_research_excerpts_speaker_customer_id" ON "research_excerpts" ("speaker_customer_id");

CREATE INDEX "ix_research_session_participants_customer_id" ON "research_session_participants" ("customer_id");

CREATE INDEX "ix_research_sessions_created_by_user_id" ON "research_sessions" ("created_by_user_id");

CREATE INDEX "ix_research_sessions_held_at_id" ON "research_sessions" ("held_at", "id");

CREATE INDEX "ix_research_sessions_interviewer_user_id" ON "research_sessions" ("interviewer_user_id");

CREATE INDEX "ix_theme_proposals_decided_by_user_id" ON "theme_proposals" ("decided_by_user_id");

CREATE INDEX "ix_theme_proposals_status_score" ON "theme_proposals" ("status", "score");

CREATE UNIQUE INDEX "ix_theme_proposals_stems" ON "theme_proposals" ("stems");

CREATE INDEX "ix_theme_proposals_value_id" ON "theme_proposals" ("value_id");
