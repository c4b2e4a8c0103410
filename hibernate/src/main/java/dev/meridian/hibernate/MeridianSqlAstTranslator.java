package dev.meridian.hibernate;

import java.util.List;
import org.hibernate.dialect.SqlAstTranslatorWithUpsert;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.sql.ast.tree.Statement;
import org.hibernate.sql.ast.tree.select.QueryPart;
import org.hibernate.sql.exec.spi.JdbcOperation;
import org.hibernate.sql.model.ast.ColumnValueBinding;
import org.hibernate.sql.model.internal.OptionalTableUpdate;

/**
 * Renders Hibernate's SQL tree in Meridian's SQL: {@code LIMIT ? OFFSET ?} for pagination,
 * {@code UPSERT INTO} for upserts, and composite keys compared column by column. Not
 * thread-safe: one per statement, as Hibernate uses translators.
 */
final class MeridianSqlAstTranslator<T extends JdbcOperation> extends SqlAstTranslatorWithUpsert<T> {

  MeridianSqlAstTranslator(SessionFactoryImplementor factory, Statement statement) {
    super(factory, statement);
  }

  @Override
  public void visitOffsetFetchClause(QueryPart queryPart) {
    if (!isRowNumberingCurrentQueryPart()) {
      renderLimitOffsetClause(queryPart);
    }
  }

  /** {@code upsert into t (k..., c...) values (?...)}: the key columns, then the values. */
  @Override
  protected void renderUpsertStatement(OptionalTableUpdate update) {
    appendSql("upsert into ");
    appendSql(update.getMutatingTable().getTableName());
    List<ColumnValueBinding> keys = update.getKeyBindings();
    List<ColumnValueBinding> values = update.getValueBindings();
    appendSql(" (");
    String separator = "";
    for (List<ColumnValueBinding> group : List.of(keys, values)) {
      for (ColumnValueBinding b : group) {
        appendSql(separator);
        appendSql(b.getColumnReference().getColumnExpression());
        separator = ", ";
      }
    }
    appendSql(") values (");
    separator = "";
    for (List<ColumnValueBinding> group : List.of(keys, values)) {
      for (ColumnValueBinding b : group) {
        appendSql(separator);
        b.getValueExpression().accept(this);
        separator = ", ";
      }
    }
    appendSql(")");
  }

  @Override
  protected boolean supportsRowValueConstructorSyntax() {
    return false;
  }

  @Override
  protected boolean supportsRowValueConstructorSyntaxInInList() {
    return false;
  }

  @Override
  protected boolean supportsRowValueConstructorSyntaxInSet() {
    return false;
  }

  @Override
  protected boolean supportsRowValueConstructorSyntaxInQuantifiedPredicates() {
    return false;
  }

  @Override
  protected boolean supportsRowValueConstructorSyntaxInInSubQuery() {
    return false;
  }
}
