package org.layerswap.api;

/**
 * One registered pipeline service, as operators see it.
 *
 * @param contract the api interface's simple name, e.g. {@code Predictor}
 * @param name     the service's {@code name} property ("" when it has none)
 * @param active   whether the consumer currently uses this implementation
 */
public record ServiceInfo(String contract, String name, int ranking, String bundle, boolean active) {
}
