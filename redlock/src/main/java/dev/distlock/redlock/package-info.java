/**
 * Redlock: a lock held on a majority of N independent Redis nodes, with the validity and drift
 * arithmetic, majority renewals and fencing tokens that stay monotonic under any majority. Use
 * {@code LockClients.connect("redlock://h1:p1,h2:p2,h3:p3")}; options in {@link
 * dev.distlock.redlock.RedlockOptions}. The design note is on
 * {@code dev.distlock.redlock.internal.RedlockDriver}; limits in the module's README.
 */
package dev.distlock.redlock;
