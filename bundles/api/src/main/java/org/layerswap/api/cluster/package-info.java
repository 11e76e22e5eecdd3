/**
 * Plain rules a cluster of appliances shares (issue 15), with no engine behind them: the live cluster
 * ({@code bundles/cluster}, on Hazelcast) and the replay's model of it use the same ones. 1.1: {@link
 * org.layerswap.api.cluster.FunctionPlacement}, the optional service telling a node which functions are its own.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.layerswap.api.cluster;
