package dev.meridian.protocol.wire;

import dev.meridian.protocol.types.TableSchema;
import java.util.List;

/**
 * A request from the driver to a peer. Each request travels in one frame with a request id
 * chosen by the client; the peer answers with {@link Response}s carrying the same id.
 *
 * <p>Values inside {@link Get} and {@link Write} are canonical Java values of their column's
 * type (see {@link dev.meridian.protocol.types.ColumnType#coerce}); the peer checks them again
 * against its own catalog.
 */
public sealed interface Request {

  /** Liveness and round-trip probe; answered by {@link Response.Pong}. */
  record Ping() implements Request {}

  /**
   * Asks which peer owns each partition of the region; answered by {@link Response.Partitions}.
   * The driver uses it to send a key's request straight to its owner.
   */
  record GetPartitions() implements Request {}

  /** Asks for every table definition; answered by {@link Response.Catalog}. */
  record GetCatalog() implements Request {}

  /**
   * Creates a table (its {@code tableId} is 0: the peer assigns one); answered by
   * {@link Response.TableCreated}.
   */
  record CreateTable(TableSchema schema, boolean ifNotExists) implements Request {}

  /** Drops a table by name; answered by {@link Response.TableDropped}. */
  record DropTable(String name, boolean ifExists) implements Request {}

  /**
   * Point reads of one table: each key is the values of the key columns in key order.
   * Answered by {@link Response.Rows} with one entry per key, in order.
   */
  record Get(long tableId, List<Object[]> keys) implements Request {}

  /**
   * Writes rows of one table, each independently (per-row autocommit). Answered by
   * {@link Response.Written} with one outcome per row, in order.
   */
  record Write(long tableId, WriteKind kind, List<RowWrite> rows) implements Request {}
}
