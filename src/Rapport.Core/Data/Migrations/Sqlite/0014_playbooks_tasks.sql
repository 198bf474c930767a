-- 0014 playbooks and tasks: the default playbook of every stage (editable at /playbooks), and the tasks module
-- (manual tasks, and the playbook's "get in touch" tasks for customers past their stage's maximum days without
-- contact). docs/playbooks.md, docs/tasks.md.
INSERT INTO "playbooks" ("stage", "min_days_between_contacts", "max_contacts_per_thirty_days", "max_days_without_contact", "channels", "emphasis", "templates", "notes", "updated_at", "updated_by_user_id", "version")
SELECT s.stage, s.min_days, s.max_contacts, s.max_days, s.channels, s.emphasis, s.templates, s.notes, strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now'), NULL, 1
FROM (
    SELECT 0 AS stage, 7 AS min_days, 2 AS max_contacts, 45 AS max_days, 'Email' AS channels, 'Educate' AS emphasis,
        'Welcome: who we are and what we stand for' || char(10) || 'Guide: how to choose' || char(10) || 'Customer story' AS templates,
        'Known but not engaged yet: be useful, never pushy.' AS notes
    UNION ALL SELECT 1, 4, 4, 14, 'Email,Phone', 'Reassure',
        'Answer to an enquiry' || char(10) || 'Comparison and guarantees' || char(10) || 'Invitation to a visit or a call',
        'Engaged, has not bought: educate and reassure; answer questions quickly.'
    UNION ALL SELECT 2, 3, 4, 10, 'Email', 'Thank',
        'Thank you for your order' || char(10) || 'Getting started' || char(10) || 'How is it going? (after two weeks)',
        'Has bought: thank them, make sure the first experience is good.'
    UNION ALL SELECT 3, 14, 2, 60, 'Email,Phone,InPerson', 'Deepen',
        'What we are working on' || char(10) || 'Invitation to an event' || char(10) || 'Ask for feedback',
        'Where most return on effort lies: deepen the relationship around shared values.'
    UNION ALL SELECT 4, 14, 2, 90, 'Email,Phone', 'Reward',
        'A thank-you for loyal customers' || char(10) || 'Early access' || char(10) || 'Referral invitation',
        'Sustained repeat buyers: reward, recognise, ask them to refer.'
) AS s
WHERE NOT EXISTS (SELECT 1 FROM "playbooks" p WHERE p."stage" = s.stage);

CREATE TABLE "tasks" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_tasks" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NULL,
    "assignee_user_id" INTEGER NULL,
    "title" TEXT NOT NULL,
    "notes" TEXT NULL,
    "due_on" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "stage" INTEGER NULL,
    "last_contact_at" TEXT NULL,
    "created_by_user_id" INTEGER NULL,
    "completed_at" TEXT NULL,
    "completed_by_user_id" INTEGER NULL,
    "done_by_contact" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_tasks_assignee_user_id" FOREIGN KEY ("assignee_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_tasks_completed_by_user_id" FOREIGN KEY ("completed_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_tasks_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_tasks_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_tasks_assignee_user_id_status_due_on_id" ON "tasks" ("assignee_user_id", "status", "due_on", "id");
CREATE INDEX "ix_tasks_completed_by_user_id" ON "tasks" ("completed_by_user_id");
CREATE INDEX "ix_tasks_created_by_user_id" ON "tasks" ("created_by_user_id");
CREATE INDEX "ix_tasks_customer_id_status_origin" ON "tasks" ("customer_id", "status", "origin");
CREATE INDEX "ix_tasks_status_due_on_id" ON "tasks" ("status", "due_on", "id");
