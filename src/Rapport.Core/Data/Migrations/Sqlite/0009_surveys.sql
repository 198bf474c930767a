-- 0009 surveys: surveys (draft, open, closed; optional closing time; an anonymous link), their questions (rating,
-- nps, csat, single and multiple choice, value importance, value ranking, free text), per-customer invitations
-- (signed links), responses (web or imported, one per invitation, an external id for idempotent import) and their
-- answers (customer_id copied from the response). docs/surveys.md.

CREATE TABLE "surveys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_surveys" PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "intro" TEXT NULL,
    "thank_you" TEXT NULL,
    "status" TEXT NOT NULL,
    "closes_at" TEXT NULL,
    "opened_at" TEXT NULL,
    "closed_at" TEXT NULL,
    "anonymous_enabled" INTEGER NOT NULL,
    "anonymous_nonce" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL
);

CREATE INDEX "ix_surveys_status_id" ON "surveys" ("status", "id");

CREATE TABLE "survey_questions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_survey_questions" PRIMARY KEY AUTOINCREMENT,
    "survey_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "help_text" TEXT NULL,
    "required" INTEGER NOT NULL,
    "options" TEXT NULL,
    "value_id" INTEGER NULL,
    CONSTRAINT "fk_survey_questions_survey_id" FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_survey_questions_value_id" FOREIGN KEY ("value_id") REFERENCES "taxonomy_values" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "ix_survey_questions_survey_id_key" ON "survey_questions" ("survey_id", "key");
CREATE INDEX "ix_survey_questions_survey_id_position" ON "survey_questions" ("survey_id", "position");
CREATE INDEX "ix_survey_questions_value_id" ON "survey_questions" ("value_id");

CREATE TABLE "survey_invitations" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_survey_invitations" PRIMARY KEY AUTOINCREMENT,
    "survey_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "nonce" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "expires_at" TEXT NULL,
    "response_id" INTEGER NULL,
    CONSTRAINT "fk_survey_invitations_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_survey_invitations_response_id" FOREIGN KEY ("response_id") REFERENCES "survey_responses" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_survey_invitations_survey_id" FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_survey_invitations_customer_id" ON "survey_invitations" ("customer_id");
CREATE INDEX "ix_survey_invitations_response_id" ON "survey_invitations" ("response_id");
CREATE UNIQUE INDEX "ix_survey_invitations_survey_id_customer_id" ON "survey_invitations" ("survey_id", "customer_id");

CREATE TABLE "survey_responses" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_survey_responses" PRIMARY KEY AUTOINCREMENT,
    "survey_id" INTEGER NOT NULL,
    "customer_id" INTEGER NULL,
    "invitation_id" INTEGER NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NULL,
    "submitted_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_survey_responses_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_survey_responses_invitation_id" FOREIGN KEY ("invitation_id") REFERENCES "survey_invitations" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_survey_responses_survey_id" FOREIGN KEY ("survey_id") REFERENCES "surveys" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_survey_responses_customer_id" ON "survey_responses" ("customer_id");
CREATE UNIQUE INDEX "ix_survey_responses_invitation_id" ON "survey_responses" ("invitation_id");
CREATE UNIQUE INDEX "ix_survey_responses_survey_id_external_id" ON "survey_responses" ("survey_id", "external_id");
CREATE INDEX "ix_survey_responses_survey_id_id" ON "survey_responses" ("survey_id", "id");

CREATE TABLE "survey_answers" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_survey_answers" PRIMARY KEY AUTOINCREMENT,
    "response_id" INTEGER NOT NULL,
    "question_id" INTEGER NOT NULL,
    "customer_id" INTEGER NULL,
    "number_value" INTEGER NULL,
    "choice_values" TEXT NULL,
    "text_value" TEXT NULL,
    CONSTRAINT "fk_survey_answers_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_survey_answers_question_id" FOREIGN KEY ("question_id") REFERENCES "survey_questions" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_survey_answers_response_id" FOREIGN KEY ("response_id") REFERENCES "survey_responses" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_survey_answers_customer_id" ON "survey_answers" ("customer_id");
CREATE INDEX "ix_survey_answers_question_id" ON "survey_answers" ("question_id");
CREATE UNIQUE INDEX "ix_survey_answers_response_id_question_id" ON "survey_answers" ("response_id", "question_id");
