/** Configuration conventions shared by every component: where configured paths resolve. */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.layerswap.api.config;
