-- API keys of machine clients. Only a keyed hash (HMAC-SHA256 under a key derived from the master key) of each
-- secret is stored; the id is public. Times are epoch milliseconds from the gateway's clock. Scopes are stored
-- newline-separated (permission patterns cannot hold control characters).

CREATE TABLE bulwark_api_keys (
    id           VARCHAR(64)   NOT NULL PRIMARY KEY,
    name         VARCHAR(200)  NOT NULL,
    secret_hash  VARCHAR(256)  NOT NULL,
    scopes       VARCHAR(8192) NOT NULL,
    tenant       VARCHAR(128),
    created_by   VARCHAR(128)  NOT NULL,
    created_at   BIGINT        NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
