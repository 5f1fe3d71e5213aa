-- Tenants (merchants, clinics, organisations) and their status, so a suspended or deleted tenant is refused at
-- the edge. Portable between PostgreSQL and H2 in PostgreSQL mode. Times are epoch milliseconds from the
-- gateway's clock. Rows are never deleted: a DELETED tenant keeps its id so that it is never reused.

CREATE TABLE bulwark_tenants (
    id         VARCHAR(128) NOT NULL PRIMARY KEY,
    name       VARCHAR(256) NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);
