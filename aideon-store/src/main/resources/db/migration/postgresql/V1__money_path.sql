-- Aideon store schema, PostgreSQL dialect. Times are epoch milliseconds (UTC) in BIGINT columns: the same
-- representation as the SQLite dialect, so every query outside the migrations is shared.

CREATE TABLE tenants (
    id                  TEXT   NOT NULL PRIMARY KEY,
    name                TEXT   NOT NULL UNIQUE,
    tier                TEXT   NOT NULL,
    requests_per_minute BIGINT,
    tokens_per_minute   BIGINT,
    created_at          BIGINT NOT NULL
);

-- A tenant's overrides of its tier's limits; one row per (meter, period) slot, position keeps their order.
CREATE TABLE tenant_limits (
    tenant_id TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    meter     TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    max_value BIGINT  NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, meter, period)
);

-- Client keys: only a random salt and SHA-256(salt || secret) are kept, never the secret.
CREATE TABLE api_keys (
    key_id         TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id),
    name           TEXT    NOT NULL,
    display_prefix TEXT    NOT NULL,
    admin          BOOLEAN NOT NULL,
    salt           BYTEA   NOT NULL,
    secret_hash    BYTEA   NOT NULL,
    created_at     BIGINT  NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- The ledger: one row per request. No foreign key to tenants on purpose: a row must never be refused
-- (and a delivered response lost from the books) because of reference data.
-- usage_day is the UTC day of created_at (yyyy-MM-dd), written once so reports group by it without
-- dialect-specific date functions.
CREATE TABLE usage_ledger (
    request_id        TEXT    NOT NULL PRIMARY KEY,
    tenant_id         TEXT    NOT NULL,
    key_id            TEXT,
    tier              TEXT,
    route             TEXT,
    provider          TEXT,
    model             TEXT,
    source            TEXT,
    attempts          INTEGER NOT NULL,
    prompt_tokens     BIGINT  NOT NULL,
    completion_tokens BIGINT  NOT NULL,
    requests          BIGINT  NOT NULL,
    tokens            BIGINT  NOT NULL,
    images            BIGINT  NOT NULL,
    audio_seconds     BIGINT  NOT NULL,
    cost_micros       BIGINT  NOT NULL,
    latency_ms        BIGINT  NOT NULL,
    status            INTEGER NOT NULL,
    error_kind        TEXT,
    created_at        BIGINT  NOT NULL,
    usage_day         TEXT    NOT NULL
);
CREATE INDEX usage_ledger_tenant_created ON usage_ledger (tenant_id, created_at);
CREATE INDEX usage_ledger_created ON usage_ledger (created_at);

-- One row per counter (tenant, meter, period window): the row lease() locks (SELECT ... FOR UPDATE).
CREATE TABLE accounts (
    id           TEXT   NOT NULL PRIMARY KEY,
    tenant_id    TEXT   NOT NULL,
    meter        TEXT   NOT NULL,
    period       TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    max_value    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- Slices of an account lent to one gateway instance. used grows in the same transaction as the ledger
-- rows spent from the lease, so committed + (amount - used) over live leases never exceeds the account.
CREATE TABLE leases (
    id          TEXT    NOT NULL PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    instance_id TEXT    NOT NULL,
    amount      BIGINT  NOT NULL,
    used        BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    released    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX leases_account_live ON leases (account_id, released, expires_at);

-- The upgrade funnel: moments a tier's limit stopped a request.
CREATE TABLE conversions (
    id            BIGSERIAL PRIMARY KEY,
    occurred_at   BIGINT NOT NULL,
    tenant_id     TEXT   NOT NULL,
    tier          TEXT,
    kind          TEXT   NOT NULL,
    asked         TEXT,
    allowing_tier TEXT,
    request_id    TEXT
);
CREATE INDEX conversions_tenant_at ON conversions (tenant_id, occurred_at);
