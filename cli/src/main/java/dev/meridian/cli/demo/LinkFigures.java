package dev.meridian.cli.demo;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The replication links' own figures, read from their MBeans
 * ({@code dev.meridian:type=ReplicationLink,peer=..,from=..,to=..}) in this JVM: the same
 * figures as {@code MERIDIAN.REPLICATION_LINKS}. Lag is the time from commit at the origin to
 * apply at the target over the last minute, as the sending peer measured it. With several peers
 * per region the worst peer's lag and the sum of the counters are shown. Thread-safe.
 */
final class LinkFigures {
  /** One link (from one region to another) now. */
  record Link(String state, double lagP50Ms, double lagP99Ms, long shipped, long conflicts,
      long rowsRepaired) {
    static final Link NONE = new Link("down", 0, 0, 0, 0, 0);

    boolean hasLag() {
      return lagP50Ms > 0 || lagP99Ms > 0;
    }
  }

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  /** The link from {@code from} to {@code to}; {@link Link#NONE} when no peer of {@code from} runs. */
  Link link(String from, String to) {
    Set<ObjectName> names;
    try {
      names = server.queryNames(new ObjectName("dev.meridian:type=ReplicationLink,from="
          + from + ",to=" + to + ",*"), null);
    } catch (JMException e) {
      throw new IllegalArgumentException("bad region name " + from + " or " + to, e);
    }
    Link sum = null;
    for (ObjectName name : names) {
      try {
        Link l = new Link((String) server.getAttribute(name, "State"),
            (Double) server.getAttribute(name, "LagP50Ms"),
            (Double) server.getAttribute(name, "LagP99Ms"),
            (Long) server.getAttribute(name, "RecordsShipped"),
            (Long) server.getAttribute(name, "ConflictsResolved"),
            (Long) server.getAttribute(name, "RowsRepaired"));
        sum = sum == null ? l : new Link(sum.state.equals(l.state) ? l.state : "mixed",
            Math.max(sum.lagP50Ms, l.lagP50Ms), Math.max(sum.lagP99Ms, l.lagP99Ms),
            sum.shipped + l.shipped, sum.conflicts + l.conflicts,
            sum.rowsRepaired + l.rowsRepaired);
      } catch (JMException e) {
        // The peer closed between the query and the read: it has no link any more.
      }
    }
    return sum == null ? Link.NONE : sum;
  }
}
