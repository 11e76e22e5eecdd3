/** Configuration conventions shared by every component: where configured paths resolve, sizes, bearer-token secrets. */
@org.osgi.annotation.versioning.Version("1.2.0")
package org.layerswap.api.config;
