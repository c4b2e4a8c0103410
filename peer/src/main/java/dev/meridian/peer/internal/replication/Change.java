package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.ChangeRecord;

/**
 * A change record read from a change stream, with the commit time at its origin (the
 * physical part of its highest stamp), from which links measure their lag.
 */
public record Change(ChangeRecord record, long commitMillis) {}
