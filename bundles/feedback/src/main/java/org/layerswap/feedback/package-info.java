/** Feedback loop: monitoring, threshold controller and A/B experiments (plain Java, no OSGi types). */
package org.layerswap.feedback;
