/** The identify protocols ({@code /ipfs/id/1.0.0} and {@code /ipfs/id/push/1.0.0}) as a behaviour. */
package org.jlibp2p.identify;
