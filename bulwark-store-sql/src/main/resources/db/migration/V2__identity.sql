-- Identity: users, sessions with their refresh-token families, revocations, login attempts, signing keys.
-- Portable between PostgreSQL and H2 in PostgreSQL mode. Times are epoch milliseconds from the gateway's clock,
-- never the database server's. Sets of names are stored newline-separated (names cannot hold control characters).

CREATE TABLE bulwark_users (
    id                  VARCHAR(128)  NOT NULL PRIMARY KEY,
    email               VARCHAR(254)  NOT NULL,
    password_hash       VARCHAR(1024) NOT NULL,
    roles               VARCHAR(8192) NOT NULL,
    permissions         VARCHAR(8192) NOT NULL,
    tenants             VARCHAR(8192) NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    password_changed_at BIGINT        NOT NULL,
    CONSTRAINT bulwark_users_email UNIQUE (email)
);

-- One row per user that ever had a session: SessionStore transactions lock it, so concurrent logins of one
-- user queue behind each other and the per-user cap holds even when the user has no session row to lock yet.
CREATE TABLE bulwark_session_owners (
    user_id VARCHAR(128) NOT NULL PRIMARY KEY
);

CREATE TABLE bulwark_sessions (
    id              VARCHAR(128)  NOT NULL PRIMARY KEY,
    user_id         VARCHAR(128)  NOT NULL,
    created_at      BIGINT        NOT NULL,
    last_seen_at    BIGINT        NOT NULL,
    expires_at      BIGINT        NOT NULL,
    idle_timeout_ms BIGINT        NOT NULL,
    -- The earlier of idle and absolute expiry, kept so liveness is one indexed comparison.
    live_until      BIGINT        NOT NULL,
    user_agent      VARCHAR(512)  NOT NULL,
    ip              VARCHAR(512)  NOT NULL,
    fingerprint     VARCHAR(512),
    current_hash    VARCHAR(256)  NOT NULL,
    previous_hash   VARCHAR(256),
    rotated_at      BIGINT,
    successor       VARCHAR(8192)
);

CREATE INDEX bulwark_sessions_user ON bulwark_sessions (user_id, created_at);
CREATE INDEX bulwark_sessions_live_until ON bulwark_sessions (live_until);

-- Every refresh-token hash a family has rotated past, so replaying any of them is recognised as reuse.
CREATE TABLE bulwark_retired_refresh_tokens (
    session_id VARCHAR(128) NOT NULL REFERENCES bulwark_sessions (id) ON DELETE CASCADE,
    token_hash VARCHAR(256) NOT NULL,
    PRIMARY KEY (session_id, token_hash)
);

-- One row per revoked subject; "seq" orders the change feed. Writers take the next sequence from the
-- single counter row below while holding its lock until commit, so sequences become visible in order.
CREATE TABLE bulwark_revocations (
    kind       VARCHAR(16)  NOT NULL,
    subject    VARCHAR(128) NOT NULL,
    seq        BIGINT       NOT NULL,
    cutoff     BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    PRIMARY KEY (kind, subject),
    CONSTRAINT bulwark_revocations_sequence UNIQUE (seq)
);

CREATE INDEX bulwark_revocations_expires_at ON bulwark_revocations (expires_at);

CREATE TABLE bulwark_revocation_counter (
    id         INTEGER NOT NULL PRIMARY KEY,
    last_value BIGINT  NOT NULL
);

INSERT INTO bulwark_revocation_counter (id, last_value) VALUES (1, 0);

CREATE TABLE bulwark_login_attempts (
    attempt_key  VARCHAR(300) NOT NULL PRIMARY KEY,
    failures     INTEGER      NOT NULL,
    lock_level   INTEGER      NOT NULL,
    locked_until BIGINT,
    forget_at    BIGINT       NOT NULL
);

CREATE INDEX bulwark_login_attempts_forget_at ON bulwark_login_attempts (forget_at);

CREATE TABLE bulwark_signing_keys (
    kid                   VARCHAR(64)   NOT NULL PRIMARY KEY,
    algorithm             VARCHAR(16)   NOT NULL,
    public_jwk            VARCHAR(16384) NOT NULL,
    encrypted_private_key BYTEA         NOT NULL,
    status                VARCHAR(16)   NOT NULL,
    created_at            BIGINT        NOT NULL,
    activated_at          BIGINT        NOT NULL,
    retire_after          BIGINT
);

-- The row KeyStore transactions lock, so first-start initialization and rotations never leave two active keys.
CREATE TABLE bulwark_key_ring_lock (
    id INTEGER NOT NULL PRIMARY KEY
);

INSERT INTO bulwark_key_ring_lock (id) VALUES (1);
