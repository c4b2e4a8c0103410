package dev.meridian.peer.api;

import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.concurrent.CompletionStage;

/**
 * Answers one driver-protocol {@link Request} from the peer's region, as the Netty server and
 * the embedded mode call it.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Never throws and never completes exceptionally: every failure is a
 *       {@link Response.Error} with its SQLState ({@code XX000} for bugs, which are logged).
 *   <li>Never blocks the calling thread (an event loop may call it); the stage may complete on
 *       a Hazelcast or internal thread.
 *   <li>Answers {@link Request.Write} with one {@link dev.meridian.protocol.wire.RowOutcome}
 *       per row, in request order; rows are applied independently (per-row autocommit) and
 *       submitted together, not one round trip at a time. A row that fails its checks does not
 *       affect the others.
 *   <li>Answers {@link Request.Get} with one entry per key, in order: the row's visible values
 *       in column order, or null.
 *   <li>A {@code Get} or {@code Write} naming a table id that is not (any more) in the catalog
 *       is answered {@code Error(42P01, "table id … was dropped or re-created; reload the
 *       catalog")}.
 * </ul>
 * Implementations are thread-safe; requests may be handled concurrently and complete in any
 * order.
 */
public interface RequestHandler {

  /** Handles one request; see the type's guarantees. {@code request} may be any value. */
  CompletionStage<Response> handle(Request request);
}
