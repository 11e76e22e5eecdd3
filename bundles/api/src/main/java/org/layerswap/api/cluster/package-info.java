/**
 * Plain rules a cluster of appliances shares (issue 15), with no engine behind them: the live cluster
 * ({@code bundles/cluster}, on Hazelcast) and the replay's model of it use the same ones.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.layerswap.api.cluster;
