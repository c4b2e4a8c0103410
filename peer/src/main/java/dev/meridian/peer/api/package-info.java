/**
 * The peer's public surface: {@link dev.meridian.peer.api.PeerConfig} (validated once, from
 * YAML or a builder; every option in {@link dev.meridian.peer.api.PeerOption}),
 * {@link dev.meridian.peer.api.PeerNode} (a running peer's storage on its Hazelcast member) and
 * the {@link dev.meridian.peer.api.RequestHandler} that answers driver requests from it, and
 * {@link dev.meridian.peer.api.Peer}, which serves it on two ports: the driver port, and the
 * link port that alone takes other regions' replication (mutual TLS when configured).
 *
 * <p>Contract: a write accepted by a peer is stored on the partition owner and its synchronous
 * backups before it is acknowledged, with a stamp above every stamp the region held for the
 * row; rows of a table merge per cell or per row as {@code DESIGN.md} says; nothing here
 * throws across the handler boundary (failures are {@code Response.Error}s with SQLStates).
 * Everything outside this package ({@code dev.meridian.peer.internal}) may change without
 * notice.
 */
package dev.meridian.peer.api;
