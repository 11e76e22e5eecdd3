/**
 * The persistence service's contract: records it stores and queries over them.
 *
 * <p>Exported at the version below: importers get the range {@code [1.0,2)}. Raise the minor version
 * for a compatible addition and the major version for a breaking change.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.layerswap.persistence.api;
