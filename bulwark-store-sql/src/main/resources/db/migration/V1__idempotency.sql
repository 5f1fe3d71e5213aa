-- Idempotency keys of webhook deliveries and Idempotency-Key requests (SqlIdempotencyStore).
-- Portable between PostgreSQL and H2 in PostgreSQL mode: times are epoch milliseconds from the gateway's clock,
-- so expiry never depends on the database server's clock.
CREATE TABLE bulwark_idempotency (
    idem_key    VARCHAR(300) NOT NULL PRIMARY KEY,
    expires_at  BIGINT       NOT NULL,
    status      INTEGER,
    headers     VARCHAR(65536),
    body        BYTEA,
    fingerprint BYTEA
);

CREATE INDEX bulwark_idempotency_expires_at ON bulwark_idempotency (expires_at);
