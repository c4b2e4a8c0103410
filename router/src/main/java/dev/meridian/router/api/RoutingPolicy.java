package dev.meridian.router.api;

import java.util.List;

/**
 * Decides which region serves each operation (DESIGN.md, "Connections").
 *
 * <p>Lifecycle: {@link #init} once before any other call; then {@link #plan} per operation,
 * interleaved with {@link #onDown}/{@link #onUp} as the driver learns of region health; then
 * {@link #close} once. Implementations must be thread-safe: {@code plan} is called concurrently
 * from every thread that uses a connection, and must not block or do I/O.
 */
public interface RoutingPolicy extends AutoCloseable {

  /**
   * Called once with the connection's home region and every region it may use.
   *
   * @param home the home region
   * @param regions every known region, home included
   */
  void init(String home, List<String> regions);

  /**
   * The regions to try for one operation, best first; never empty after {@link #init}.
   *
   * @param operation what is being routed
   */
  List<String> plan(Operation operation);

  /** A region stopped answering. */
  void onDown(String region);

  /** A region answers again. */
  void onUp(String region);

  @Override
  void close();

  /** What the policy knows of an operation. */
  enum Operation {
    /** A read of rows or metadata. */
    READ,
    /** A write of rows. */
    WRITE,
    /** Table creation or removal. */
    DDL
  }
}
