/**
 * Configuration conventions shared by every component: where configured paths resolve, sizes, bearer-token secrets.
 * 2.0.0: {@code SecretFile} was replaced by {@link org.layerswap.api.config.SecretToken}.
 */
@org.osgi.annotation.versioning.Version("2.0.0")
package org.layerswap.api.config;
