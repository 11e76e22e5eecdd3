/**
 * LayerSwap's domain value types and service contracts (no implementation dependencies).
 *
 * <p>Exported at the version below: importers get the range {@code [1.0,2)}. Raise the minor version
 * for a compatible addition and the major version for a breaking change.
 */
@org.osgi.annotation.versioning.Version("1.10.0")
package org.layerswap.api;
