package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * What an entry processor carries of a table's {@link Residency.Pin} to the partition owner:
 * the table's name, deciding column and decider, from which the owner's {@link Residency}
 * finds the pin again (the rules themselves stay on each member). Immutable.
 *
 * <p>Wire form, inside a processor's own: {@code string table} (null when the table is not
 * pinned), then {@code int column, string decider}.
 */
record PinRef(String table, int column, String decider) {

  /** The reference of a pin; null for none. */
  static PinRef of(Residency.Pin pin) {
    return pin == null ? null : new PinRef(pin.table(), pin.column(), pin.decider());
  }

  /** The pin on this member, or null when there is none (or no residency). */
  static Residency.Pin resolve(PinRef ref, Residency residency, long tableId) {
    return ref == null || residency == null ? null
        : residency.pin(tableId, ref.table, ref.column, ref.decider);
  }

  static void write(ObjectDataOutput out, PinRef ref) throws IOException {
    out.writeString(ref == null ? null : ref.table);
    if (ref != null) {
      out.writeInt(ref.column);
      out.writeString(ref.decider);
    }
  }

  static PinRef read(ObjectDataInput in) throws IOException {
    String table = in.readString();
    return table == null ? null : new PinRef(table, in.readInt(), in.readString());
  }
}
