/**
 * The binary driver protocol: the {@link dev.meridian.protocol.wire.Request} and
 * {@link dev.meridian.protocol.wire.Response} messages, their pure codec, and the Netty
 * handlers that frame them. See {@code ProtocolCodec} for the byte layout.
 */
package dev.meridian.protocol.wire;
