/**
 * Meridian's SQL parser: {@code MeridianSqlParserImpl}, generated at build time from Calcite's
 * grammar template with Meridian's additions (see {@code src/main/codegen}), and the SqlNode
 * classes those additions build ({@code CREATE TABLE}, {@code DROP TABLE}).
 */
package dev.meridian.sql.internal.parser;
