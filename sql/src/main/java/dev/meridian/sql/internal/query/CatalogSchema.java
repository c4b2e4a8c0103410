package dev.meridian.sql.internal.query;

import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.ScanSource;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * The catalog's tables as a Calcite schema, looked up by name on every use so that it follows
 * the catalog as tables come and go. Without a {@link ScanSource} the tables only describe
 * themselves (for validation). Thread-safe.
 */
public final class CatalogSchema extends AbstractSchema {
  private final Catalog catalog;
  private final ScanSource source;

  public CatalogSchema(Catalog catalog, ScanSource source) {
    this.catalog = catalog;
    this.source = source;
  }

  @Override
  public Lookup<Table> tables() {
    return new Lookup<>() {
      @Override
      public Table get(String name) {
        TableSchema t = catalog.table(name);
        return t == null ? null : new MeridianTable(t, source);
      }

      @Override
      public Named<Table> getIgnoreCase(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        Table t = get(upper);
        return t == null ? null : new Named<>(upper, t);
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String name : catalog.tableNames()) {
          if (pattern.matcher().apply(name)) {
            names.add(name);
          }
        }
        return names;
      }
    };
  }

  @Override
  public boolean isMutable() {
    return true;
  }
}
