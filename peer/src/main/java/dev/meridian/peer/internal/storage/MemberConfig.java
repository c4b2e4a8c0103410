package dev.meridian.peer.internal.storage;

import com.hazelcast.config.Config;
import com.hazelcast.config.EntryListenerConfig;
import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.NetworkConfig;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.internal.auth.UserStore;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Builds the Hazelcast member configuration of a peer: one cluster per region
 * ({@code meridian-<region>}), TCP-IP join with the configured members and no other discovery,
 * no CP subsystem, no Jet, slf4j logging, no phone-home, no shutdown hook (the launcher owns
 * SIGTERM), synchronous backups and binary storage for the catalog and every table map, and
 * the peer's {@link HybridClock} in the user context for {@link WriteProcessor}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MemberConfig {
  private MemberConfig() {}

  /**
   * The member configuration for a validated peer configuration.
   *
   * @param config the peer's configuration; its {@code hazelcastPort} must be concrete (not 0)
   * @param clock the peer's clock, shared with the write processors that run on this member
   */
  public static Config build(PeerConfig config, HybridClock clock, ChangeNotifier changes) {
    return build(config, clock, changes, null);
  }

  /**
   * The member configuration as {@link #build(PeerConfig, HybridClock, ChangeNotifier)}, with
   * the catalog, the index catalog, the dropped tables and every table map written through to
   * {@code log} ({@link LoggedMap}); null logs nothing.
   */
  public static Config build(PeerConfig config, HybridClock clock, ChangeNotifier changes,
      DurableLog log) {
    if (config.hazelcastPort() == 0) {
      throw new IllegalArgumentException("pick a concrete Hazelcast port before building");
    }
    Config c = new Config();
    c.setClusterName("meridian-" + config.region());
    c.setInstanceName("meridian-" + config.region() + "-" + config.hazelcastHost() + "-"
        + config.hazelcastPort());

    NetworkConfig network = c.getNetworkConfig();
    network.setPort(config.hazelcastPort()).setPortAutoIncrement(false).setPortCount(1)
        // A peer restarted after a crash binds its port again at once, although connections of
        // its previous run still linger there in TIME_WAIT (Hazelcast's default refuses that).
        .setReuseAddress(true);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.members());

    // Bind to and announce exactly the configured address, not whatever interface Hazelcast
    // would pick (a laptop's Wi-Fi address, a container's bridge).
    c.setProperty("hazelcast.local.localAddress", config.hazelcastHost());
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A region's peers sit in one data centre: declare a silent peer dead in seconds, not the
    // default minute, so its partitions' backups take over while clients are still retrying.
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // By default Hazelcast acknowledges a write whose synchronous backup never confirmed once
    // the backup timeout passes; a write acknowledged to a client must survive its owner's loss,
    // so fail it instead (the driver then says it may or may not have been applied).
    c.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
    c.getJetConfig().setEnabled(false);
    config.hazelcastProperties().forEach(c::setProperty);

    c.addMapConfig(definitions(storedMap(Catalog.MAP_NAME, config.backupCount()), log));
    // Rows' maps keep a change journal per partition (backed up like the rows) for the links.
    c.addMapConfig(logged(storedMap(TableStore.MAP_PATTERN, config.backupCount())
        .setEventJournalConfig(new EventJournalConfig().setEnabled(true)
            .setCapacity(config.journalCapacity()).setTimeToLiveSeconds(0)), log));
    c.addMapConfig(definitions(storedMap(IndexCatalog.MAP_NAME, config.backupCount()), log));
    c.addMapConfig(definitions(storedMap(Catalog.DROPPED_MAP_NAME, config.backupCount())
        .setInMemoryFormat(InMemoryFormat.OBJECT), log));
    c.addMapConfig(definitions(storedMap(UserStore.MAP_NAME, config.backupCount()), log));
    // Not logged: the storage epoch must change when a region restarts, because its change
    // journal starts again from nothing and other regions' positions in it are void.
    for (String name : List.of(RegionReplica.REGION_MAP_NAME,
        "meridian.link-positions", "meridian.link-stats", "meridian.conflict-log")) {
      c.addMapConfig(storedMap(name, config.backupCount()).setInMemoryFormat(InMemoryFormat.OBJECT));
    }

    c.getSerializationConfig()
        .addDataSerializableFactory(StorageSerializers.FACTORY_ID, new StorageSerializers());

    ConcurrentMap<String, Object> context = new ConcurrentHashMap<>();
    context.put(WriteProcessor.CLOCK_KEY, clock);
    if (log != null) {
      context.put(WriteProcessor.LOG_KEY, log);
    }
    context.put(ChangeNotifier.CONTEXT_KEY, changes);
    context.put(RowIndexes.CONTEXT_KEY, new RowIndexes());
    context.put(ConflictLog.CONTEXT_KEY,
        new ConflictLog(config.conflictLogMaxEntries(), config.conflictLogMaxAgeMs()));
    context.put(Residency.CONTEXT_KEY, new Residency(config.region(),
        config.routingConfig().source(), config.routingConfig().residency()));
    c.setUserContext(context);
    return c;
  }

  /**
   * A region-wide definition map: written through to the owner's log like rows, and copied
   * into every other peer's log as well ({@link DefinitionLogger}).
   */
  private static MapConfig definitions(MapConfig map, DurableLog log) {
    if (log == null) {
      return map;
    }
    return logged(map, log).addEntryListenerConfig(
        new EntryListenerConfig(new DefinitionLogger(log, map.getName()), false, true));
  }

  /** Writes the map through to the log, when there is one, before an operation completes. */
  private static MapConfig logged(MapConfig map, DurableLog log) {
    if (log == null) {
      return map;
    }
    return map.setMapStoreConfig(new MapStoreConfig().setEnabled(true).setWriteDelaySeconds(0)
        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY)
        .setFactoryImplementation(LoggedMap.factory(log)));
  }

  private static MapConfig storedMap(String name, int backups) {
    return new MapConfig(name)
        .setInMemoryFormat(InMemoryFormat.BINARY)
        .setBackupCount(backups)
        .setAsyncBackupCount(0)
        .setReadBackupData(false)
        .setStatisticsEnabled(true);
  }
}
