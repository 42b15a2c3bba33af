/** Transports: TCP over java.nio channels, one virtual thread per blocking reader. */
package org.jlibp2p.transport;
