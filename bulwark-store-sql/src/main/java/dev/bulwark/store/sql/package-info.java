/**
 * JDBC stores: {@link dev.bulwark.store.sql.SqlDatabase} opens an embedded H2 file database (one node) or
 * PostgreSQL (several nodes) through HikariCP and applies the Flyway migrations in {@code db/migration};
 * {@link dev.bulwark.store.sql.SqlIdempotencyStore} keeps idempotency keys in it. Migrations are written once
 * for both engines (H2 runs in PostgreSQL mode) and numbered per feature: {@code V1__idempotency.sql},
 * {@code V2__identity.sql}, ...
 */
package dev.bulwark.store.sql;
