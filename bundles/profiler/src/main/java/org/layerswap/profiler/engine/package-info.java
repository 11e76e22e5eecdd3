/**
 * The behavioural profiler's engine: per-function statistics, co-occurrence and predictions.
 *
 * <p>Exported at the version below: importers get the range {@code [1.0,2)}. Raise the minor version
 * for a compatible addition and the major version for a breaking change.
 */
@org.osgi.annotation.versioning.Version("2.0.0")
package org.layerswap.profiler.engine;
