package dev.meridian.sql.internal.query;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.sql.api.ScanSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * One Meridian table for Calcite: its row type, and scans that push the filters
 * {@link FilterTranslator} can express and the projected columns to the {@link ScanSource}.
 * Filters it pushes are removed from Calcite's list (the peers evaluate them exactly as SQL
 * does); the rest stay for Calcite. Rows are pulled lazily, one page at a time by the source.
 * Thread-safe.
 */
final class MeridianTable extends AbstractTable implements ProjectableFilterableTable {
  private final TableSchema table;
  private final ScanSource source;

  MeridianTable(TableSchema table, ScanSource source) {
    this.table = table;
    this.source = source;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return CalciteTypes.rowType(table, typeFactory);
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    if (source == null) {
      throw new MeridianException(SqlState.INTERNAL_ERROR, "table " + table.name()
          + " was planned without a scan source");
    }
    // Calcite numbers the fields it sees; the peers know columns by id.
    int[] ids = table.visibleColumnIds();
    int[] columns;
    if (projects == null) {
      columns = ids;
    } else {
      columns = new int[projects.length];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = ids[projects[i]];
      }
    }
    FilterTranslator translator = new FilterTranslator(table, root);
    List<ScanFilter> pushed = new ArrayList<>();
    for (Iterator<RexNode> it = filters.iterator(); it.hasNext(); ) {
      ScanFilter f = translator.translate(it.next());
      if (f != null) {
        pushed.add(f);
        it.remove();
      }
    }
    ScanFilter filter = pushed.isEmpty() ? null
        : pushed.size() == 1 ? pushed.get(0) : new ScanFilter.And(pushed);
    int[] asked = columns;
    AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new ScanEnumerator(source.open(table, asked, filter), cancel);
      }
    };
  }

  /** Pulls rows from a cursor, converting them to Calcite's internal values. */
  private static final class ScanEnumerator implements Enumerator<Object[]> {
    private final ScanSource.Cursor cursor;
    private final AtomicBoolean cancel;
    private Object[] current;

    ScanEnumerator(ScanSource.Cursor cursor, AtomicBoolean cancel) {
      this.cursor = cursor;
      this.cancel = cancel;
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      if (cancel != null && cancel.get()) {
        cursor.close();
        throw new MeridianException(SqlState.QUERY_CANCELED, "the statement was cancelled");
      }
      Object[] row = cursor.next();
      if (row == null) {
        current = null;
        return false;
      }
      for (int i = 0; i < row.length; i++) {
        row[i] = CalciteTypes.toInternal(row[i]);
      }
      current = row;
      return true;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("a scan cannot be restarted");
    }

    @Override
    public void close() {
      cursor.close();
    }
  }
}
