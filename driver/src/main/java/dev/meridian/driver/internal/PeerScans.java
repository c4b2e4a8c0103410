package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.sql.api.ScanSource;
import java.util.List;
import java.util.function.Supplier;

/**
 * Scans of the serving region for Calcite ({@link ScanSource}): a {@link Request.Scan} with the
 * pushed-down filter and columns, then one {@link Request.ScanNext} per page. The region is the
 * router's choice for a read when the scan opens (session-checked, failing over as reads do);
 * every page of the scan then comes from that region's channel. The next page is
 * asked for as soon as one arrives, so at most two pages of a scan are on their way or held
 * here at any time, whatever the table's size. A cursor closed before the end sends
 * {@link Request.ScanClose} so the peer stops too.
 *
 * <p>Waits obey the statement's {@link Execution} (query timeout, network timeout,
 * {@link java.sql.Statement#cancel()}), which the running statement installs with
 * {@link #with} around the calls into Calcite that may pull rows. Thread-safe.
 */
final class PeerScans implements ScanSource {
  /** Rows per page when the statement sets no fetch size. */
  static final int DEFAULT_PAGE_ROWS = 4096;
  /** Most rows per page a fetch size may ask for (the peer's limit). */
  static final int MAX_PAGE_ROWS = 65_536;

  private static final ThreadLocal<Context> CURRENT = new ThreadLocal<>();

  private final RegionRouter router;

  /** The execution a scan opened now belongs to, and its page size. */
  record Context(Execution execution, int pageRows) {
    static Context of(Execution execution, int fetchSize) {
      int rows = fetchSize <= 0 ? DEFAULT_PAGE_ROWS : Math.min(fetchSize, MAX_PAGE_ROWS);
      return new Context(execution, rows);
    }
  }

  PeerScans(RegionRouter router) {
    this.router = router;
  }

  /** Runs {@code body} with scans opened meanwhile belonging to {@code context}. */
  static <T> T with(Context context, Supplier<T> body) {
    Context before = CURRENT.get();
    CURRENT.set(context);
    try {
      return body.get();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }

  @Override
  public Cursor open(TableSchema table, int[] columns, ScanFilter filter) {
    Context context = CURRENT.get();
    if (context == null) {
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "a scan of " + table.name() + " was opened outside a statement");
    }
    Request.Scan scan = new Request.Scan(table.tableId(), columns.clone(), filter,
        context.pageRows());
    // The first page is asked for at once, in the region the router picks; the rest follow it.
    ServingChannel[] region = new ServingChannel[1];
    ServingChannel.Sent first = router.run(RegionRouter.Call.READ, null, context.execution(),
        ch -> {
          ch.channel();
          region[0] = ch;
          return ch.send(scan);
        });
    return new PeerCursor(region[0], first, context);
  }

  private static final class PeerCursor implements Cursor {
    private final ServingChannel channel;
    private final Context context;
    private ServingChannel.Sent pending;
    private List<Object[]> page = List.of();
    private int index;
    private long scanId;
    private boolean started;
    private boolean last;
    private boolean closed;

    PeerCursor(ServingChannel channel, ServingChannel.Sent first, Context context) {
      this.channel = channel;
      this.pending = first;
      this.context = context;
    }

    @Override
    public Object[] next() {
      while (index >= page.size()) {
        if (closed || (started && last)) {
          return null;
        }
        ServingChannel.Sent sent = pending;
        Response r;
        try {
          r = channel.await(sent, context.execution(), false);
        } catch (RuntimeException e) {
          pending = null;
          close();
          throw e;
        }
        Response.ScanPage p = ServingChannel.expect(r, Response.ScanPage.class, "a scan");
        started = true;
        scanId = p.scanId();
        page = p.rows();
        index = 0;
        last = p.last();
        pending = last ? null
            : channel.send(new Request.ScanNext(scanId, context.pageRows()));
      }
      return page.get(index++);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      page = List.of();
      if (started && !last) {
        // Nobody waits for the answer: the peer forgets the scan either way.
        channel.send(new Request.ScanClose(scanId));
      }
    }
  }
}
