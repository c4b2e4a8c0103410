/**
 * The SQL layer's implementation: parsing with the generated Calcite parser and planning each
 * statement kind into a {@link dev.meridian.sql.api.Plan}. Package-private except
 * {@link dev.meridian.sql.internal.StatementPlanner}, the one entry point for the API package.
 */
package dev.meridian.sql.internal;
