-- 0008 value profiles: how much each customer cares about each value (customer_value_scores, score and confidence
-- 0-1, computed from value_evidence and purchases of tagged products) and, per customer, whether profiling is on and
-- their alignment with the business's values (customer_value_profiles). docs/values.md, "Customer value profiles".

CREATE TABLE customer_value_scores (
    customer_id bigint NOT NULL,
    value_id bigint NOT NULL,
    score double precision NOT NULL,
    confidence double precision NOT NULL,
    evidence_count integer NOT NULL,
    last_evidence_at timestamp with time zone NOT NULL,
    computed_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_customer_value_scores PRIMARY KEY (customer_id, value_id),
    CONSTRAINT fk_customer_value_scores_customer_id FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
    CONSTRAINT fk_customer_value_scores_value_id FOREIGN KEY (value_id) REFERENCES taxonomy_values (id) ON DELETE CASCADE
);

CREATE INDEX ix_customer_value_scores_value_id_score ON customer_value_scores (value_id, score);

CREATE TABLE customer_value_profiles (
    customer_id bigint NOT NULL,
    profiling_enabled boolean NOT NULL,
    profiling_changed_at timestamp with time zone,
    profiling_changed_by character varying(200),
    alignment double precision,
    computed_at timestamp with time zone,
    CONSTRAINT pk_customer_value_profiles PRIMARY KEY (customer_id),
    CONSTRAINT fk_customer_value_profiles_customer_id FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);
