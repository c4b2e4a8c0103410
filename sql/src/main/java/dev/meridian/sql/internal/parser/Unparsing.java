package dev.meridian.sql.internal.parser;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;

/** Writes a parenthesised, comma-separated list, the one shape our DDL nodes share. */
final class Unparsing {
  private Unparsing() {}

  static void list(SqlWriter writer, SqlNodeList nodes) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode node : nodes) {
      writer.sep(",");
      node.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
