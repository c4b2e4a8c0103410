/**
 * Hibernate ORM 6 support for Meridian: {@link dev.meridian.hibernate.MeridianDialect}, the one
 * public type. The SQL translator beside it is package-private.
 */
package dev.meridian.hibernate;
