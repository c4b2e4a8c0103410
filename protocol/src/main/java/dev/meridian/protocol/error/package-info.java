/**
 * Errors: the {@link dev.meridian.protocol.error.SqlState} codes Meridian reports and the
 * {@link dev.meridian.protocol.error.MeridianException} that carries one with a message and,
 * for SQL errors, the position in the SQL text.
 */
package dev.meridian.protocol.error;
