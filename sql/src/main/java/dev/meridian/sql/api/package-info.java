/**
 * The SQL layer's public face: {@link dev.meridian.sql.api.SqlPlanner} turns SQL text into a
 * {@link dev.meridian.sql.api.Plan} against a {@link dev.meridian.sql.api.Catalog}. Planning is
 * pure (no network) and thread-safe; plans are cached by SQL text.
 */
package dev.meridian.sql.api;
