/** TCP over java.nio socket channels in blocking mode, one virtual thread per blocked reader. */
package org.jlibp2p.transport.tcp;
