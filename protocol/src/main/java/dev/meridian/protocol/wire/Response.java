package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import java.util.List;

/**
 * A peer's answer to a {@link Request}, carrying the request's id on the wire. A request is
 * answered by exactly one response, except that a streamed answer (a future scan) may send
 * several frames flagged {@code MORE} before its last one.
 */
public sealed interface Response {

  /** Answer to {@link Request.Ping}: who answered and its clock. */
  record Pong(String region, String peer, long hlc) implements Response {}

  /**
   * Answer to {@link Request.GetPartitions}: for each partition id, the driver-protocol address
   * ({@code host:port}) of the peer that owns it, or an empty string when unknown. A snapshot:
   * partitions move when peers come and go, and a request sent to a non-owner is still served.
   */
  record Partitions(List<String> owners) implements Response {}

  /** Answer to {@link Request.GetCatalog}. */
  record Catalog(List<TableSchema> tables) implements Response {}

  /** Answer to {@link Request.CreateTable}: whether it was created, and the stored definition. */
  record TableCreated(boolean created, TableSchema schema) implements Response {}

  /** Answer to {@link Request.DropTable}: whether a table was dropped. */
  record TableDropped(boolean dropped) implements Response {}

  /**
   * Answer to {@link Request.Get}: per key, in order, the row's values in column order, or
   * null when the row is not visible in the serving region.
   */
  record Rows(List<Object[]> rows) implements Response {}

  /** Answer to {@link Request.Write}: one outcome per row, in order. */
  record Written(List<RowOutcome> outcomes) implements Response {}

  /** The whole request failed; nothing was applied unless the message says otherwise. */
  record Error(SqlState state, String message) implements Response {}
}
