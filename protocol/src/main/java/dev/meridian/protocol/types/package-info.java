/**
 * Column types, table definitions and value coercion shared by the SQL layer, the driver and
 * the peer. Everything here is immutable and thread-safe.
 */
package dev.meridian.protocol.types;
