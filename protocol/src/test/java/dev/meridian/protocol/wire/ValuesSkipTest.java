package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.protocol.error.MeridianException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Values#skip} passes over exactly the bytes {@link Values#read} consumes and refuses
 * exactly what it refuses: on every kind of value, on every truncation of each, and on random
 * bytes (seeded).
 */
class ValuesSkipTest {
  private static final long SEED = Long.getLong("meridian.seed", System.nanoTime());

  private static Object value(Random r) {
    return switch (r.nextInt(13)) {
      case 0 -> null;
      case 1 -> r.nextLong();
      case 2 -> r.nextInt();
      case 3 -> (short) r.nextInt();
      case 4 -> "s" + "é".repeat(r.nextInt(4)) + r.nextInt(1000);
      case 5 -> r.nextBoolean();
      case 6 -> r.nextDouble();
      case 7 -> r.nextFloat();
      case 8 -> BigDecimal.valueOf(r.nextLong(), r.nextInt(10));
      case 9 -> LocalDate.ofEpochDay(r.nextInt(100_000));
      case 10 -> LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L));
      case 11 -> LocalDateTime.of(2000 + r.nextInt(100), 1, 1, 0, 0).plusNanos(r.nextInt());
      default -> new byte[r.nextInt(5)];
    };
  }

  /** What a decoder does with the bytes: how many it consumed, or -1 when it refused them. */
  private static int consumed(byte[] bytes, boolean skip) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      if (skip) {
        Values.skip(in);
      } else {
        Values.read(in);
      }
      return in.readerIndex();
    } catch (MeridianException e) {
      return -1;
    } finally {
      in.release();
    }
  }

  @Test
  void skipConsumesAndRefusesExactlyWhatReadDoes() {
    System.out.println("ValuesSkipTest seed " + SEED + " (rerun with -Dmeridian.seed=" + SEED
        + ")");
    Random r = new Random(SEED);
    int cases = 0;
    for (int i = 0; i < 2_000; i++) {
      ByteBuf out = Unpooled.buffer();
      Values.write(out, value(r));
      Values.write(out, value(r));
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      out.release();
      for (int cut = 0; cut <= bytes.length; cut++) {
        byte[] part = java.util.Arrays.copyOf(bytes, cut);
        assertEquals(consumed(part, false), consumed(part, true), "seed " + SEED + " case " + i
            + " cut at " + cut);
        cases++;
      }
      byte[] noise = new byte[r.nextInt(12)];
      r.nextBytes(noise);
      if (noise.length > 0) {
        noise[0] = (byte) r.nextInt(14);
      }
      assertEquals(consumed(noise, false), consumed(noise, true), "seed " + SEED + " noise "
          + java.util.Arrays.toString(noise));
    }
    System.out.println(cases + " encodings and truncations agree");
  }
}
