/**
 * The next-use model: when a function (or a data layer) is next used, learned online from its own inter-arrival gaps
 * ({@link org.layerswap.nextuse.NextUseModel}), and a timer's period and phase
 * ({@link org.layerswap.nextuse.PeriodEstimator}). Plain Java, no services; moved out of the profiler's engine package
 * so that the swap manager and the replay evaluator use it without depending on the profiler.
 *
 * <p>Exported at the version below: importers get the range {@code [1.0,2)}. Raise the minor version for a compatible
 * addition and the major version for a breaking change.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.layerswap.nextuse;
