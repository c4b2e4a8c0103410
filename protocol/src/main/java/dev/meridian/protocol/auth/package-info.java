/**
 * Users and their proof: SCRAM-SHA-256 ({@link dev.meridian.protocol.auth.Scram}) in the
 * handshake, the verifier a peer keeps instead of a password, and the user records (verifier,
 * admin right, table grants) regions replicate and merge by stamp.
 */
package dev.meridian.protocol.auth;
