/**
 * Service interfaces between the driver and the peer artifact, found with
 * {@link java.util.ServiceLoader}.
 */
package dev.meridian.protocol.spi;
