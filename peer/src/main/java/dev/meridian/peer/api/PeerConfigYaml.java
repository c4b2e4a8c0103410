package dev.meridian.peer.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a {@link PeerConfig} from YAML with Jackson, collecting every problem instead of
 * stopping at the first.
 *
 * <p>{@code FAIL_ON_UNKNOWN_PROPERTIES} is on, and a problem handler turns each unknown key
 * and each value of the wrong type into a line with its position before the semantic checks
 * of {@link PeerConfig.Builder} add theirs. Stateless and thread-safe.
 */
final class PeerConfigYaml {
  private PeerConfigYaml() {}

  /**
   * The file's shape; absent keys stay null. A mutable class rather than a record on purpose:
   * Jackson buffers the properties of a record's creator and would report unknown keys late
   * and without their position.
   */
  static final class FileForm {
    String region;
    String name;
    HazelcastForm hazelcast;
    Integer clientPort;
    Integer linkPort;
    Integer metricsPort;
    Boolean insecure;
    UsersForm users;
    TlsForm tls;
    Integer backupCount;
    Long maxClockOffsetMs;
    Integer maxFrameBytes;
    String routing;
    String dataDir;
    String durability;
    Long durabilityPeriodMs;
    ReplicationForm replication;
  }

  /** The {@code replication:} section. */
  static final class ReplicationForm {
    Map<String, List<String>> regions;
    Integer batchSize;
    Integer maxInFlight;
    Long lingerMs;
    Long tombstoneGraceMs;
    Integer conflictLogMaxEntries;
    Long conflictLogMaxAgeMs;
    Long antiEntropyIntervalMs;
    Integer journalCapacity;
    Map<String, Long> wanLatencyMs;
  }

  /** The {@code users:} section. */
  static final class UsersForm {
    Boolean enabled;
    String admin;
    String adminPassword;
  }

  /** The {@code tls:} section. */
  static final class TlsForm {
    String key;
    String cert;
    String ca;
  }

  /** The {@code hazelcast:} section. */
  static final class HazelcastForm {
    String host;
    Integer port;
    List<String> members;
    Map<String, String> properties;
  }

  static PeerConfig read(String yaml, String source) {
    List<String> problems = new ArrayList<>();
    YAMLMapper mapper = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
        .addHandler(new ProblemCollector(problems))
        .build();
    FileForm form = null;
    try (JsonParser parser = mapper.createParser(yaml)) {
      if (parser.nextToken() == null) {
        throw new ConfigException(source,
            List.of("the configuration is empty: it needs at least 'region: <name>'"));
      }
      form = mapper.readValue(parser, FileForm.class);
    } catch (JsonProcessingException e) {
      problems.add(at(e.getLocation()) + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      problems.add("cannot read the configuration: " + e);
    }
    if (form == null) {
      // Without a readable document, semantic checks would only repeat "region is missing".
      if (problems.isEmpty()) {
        problems.add("the configuration is not a mapping of keys: start with 'region: <name>'");
      }
      throw new ConfigException(source, problems);
    }
    PeerConfig.Builder b = PeerConfig.builder();
    b.region(form.region).name(form.name);
    if (form.clientPort != null) {
      b.clientPort(form.clientPort);
    }
    if (form.linkPort != null) {
      b.linkPort(form.linkPort);
    }
    b.metricsPort(form.metricsPort);
    if (form.insecure != null) {
      b.insecure(form.insecure);
    }
    if (form.users != null) {
      b.users(Boolean.TRUE.equals(form.users.enabled), form.users.admin, form.users.adminPassword);
    }
    if (form.tls != null) {
      b.tls(form.tls.key, form.tls.cert, form.tls.ca);
    }
    if (form.backupCount != null) {
      b.backupCount(form.backupCount);
    }
    if (form.maxClockOffsetMs != null) {
      b.maxClockOffsetMs(form.maxClockOffsetMs);
    }
    if (form.maxFrameBytes != null) {
      b.maxFrameBytes(form.maxFrameBytes);
    }
    b.dataDir(form.dataDir);
    if (form.durability != null) {
      Durability d = Durability.of(form.durability);
      if (d == null) {
        problems.add("durability '" + form.durability + "' is not one of sync, periodic");
      }
      b.durability(d);
    }
    if (form.durabilityPeriodMs != null) {
      b.durabilityPeriodMs(form.durabilityPeriodMs);
    }
    if (form.routing != null) {
      b.routing(form.routing);
    }
    ReplicationForm r = form.replication;
    if (r != null) {
      if (r.regions != null) {
        b.remoteRegions(r.regions);
      }
      if (r.batchSize != null) {
        b.linkBatchSize(r.batchSize);
      }
      if (r.maxInFlight != null) {
        b.linkMaxInFlight(r.maxInFlight);
      }
      if (r.lingerMs != null) {
        b.linkLingerMs(r.lingerMs);
      }
      if (r.tombstoneGraceMs != null) {
        b.tombstoneGraceMs(r.tombstoneGraceMs);
      }
      if (r.conflictLogMaxEntries != null) {
        b.conflictLogMaxEntries(r.conflictLogMaxEntries);
      }
      if (r.conflictLogMaxAgeMs != null) {
        b.conflictLogMaxAgeMs(r.conflictLogMaxAgeMs);
      }
      if (r.antiEntropyIntervalMs != null) {
        b.antiEntropyIntervalMs(r.antiEntropyIntervalMs);
      }
      if (r.journalCapacity != null) {
        b.journalCapacity(r.journalCapacity);
      }
      if (r.wanLatencyMs != null) {
        b.wanLatencyMs(r.wanLatencyMs);
      }
    }
    HazelcastForm h = form.hazelcast;
    if (h != null) {
      if (h.host != null) {
        b.hazelcastHost(h.host);
      }
      if (h.port != null) {
        b.hazelcastPort(h.port);
      }
      if (h.members != null) {
        b.members(h.members);
      }
      if (h.properties != null) {
        b.hazelcastProperties(h.properties);
      }
    }
    return b.build(source, problems);
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable YAML";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** The dotted key of the value the parser stands on, e.g. {@code hazelcast.members[1]}. */
  private static String path(JsonParser p) {
    List<String> parts = new ArrayList<>();
    JsonStreamContext start = p.getParsingContext();
    if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
      // On the opening token the parser already stands in the new, still empty, context.
      start = start.getParent();
    }
    for (JsonStreamContext c = start; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + c.getCurrentIndex() + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(c.getCurrentName());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      String part = parts.get(i);
      if (b.length() > 0 && !part.startsWith("[")) {
        b.append('.');
      }
      b.append(part);
    }
    return b.toString();
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type == FileForm.class
        || type == HazelcastForm.class || type == ReplicationForm.class) {
      return "a mapping of keys";
    }
    return "a text value";
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a text value";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "nothing";
      default -> t.toString();
    };
  }

  /** Turns Jackson's per-value problems into messages and lets reading go on. */
  private static final class ProblemCollector extends DeserializationProblemHandler {
    private final List<String> problems;

    ProblemCollector(List<String> problems) {
      this.problems = problems;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
        JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName)
        throws IOException {
      Collection<Object> known = deserializer.getKnownPropertyNames();
      String where = path(p);
      String parent = where.length() > propertyName.length()
          ? where.substring(0, where.length() - propertyName.length() - 1) : "";
      problems.add(at(p.currentTokenLocation()) + "unknown key '" + where + "'"
          + (known == null ? "" : "; the keys allowed "
              + (parent.isEmpty() ? "at the top level" : "under '" + parent + "'")
              + " are " + new TreeSet<>(known.stream().map(String::valueOf).toList())));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType,
        String valueToConvert, String failureMsg) {
      JsonParser p = ctxt.getParser();
      problems.add(at(p.currentTokenLocation()) + "'" + path(p) + "' must be "
          + describe(targetType) + ", not '" + valueToConvert + "'");
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType,
        Number valueToConvert, String failureMsg) {
      JsonParser p = ctxt.getParser();
      problems.add(at(p.currentTokenLocation()) + "'" + path(p) + "' must be "
          + describe(targetType) + ", not " + valueToConvert);
      return null;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType,
        JsonToken t, JsonParser p, String failureMsg) throws IOException {
      String where = path(p);
      problems.add(at(p.currentTokenLocation())
          + (where.isEmpty() ? "the document" : "'" + where + "'") + " must be "
          + describe(targetType.getRawClass()) + ", not " + describe(t));
      p.skipChildren();
      return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
        ValueInstantiator valueInsts, JsonParser p, String msg) throws IOException {
      String where = path(p);
      problems.add(at(p.currentTokenLocation())
          + (where.isEmpty() ? "the document" : "'" + where + "'") + " must be "
          + describe(instClass) + ", not " + describe(p.currentToken()));
      p.skipChildren();
      return null;
    }
  }
}
