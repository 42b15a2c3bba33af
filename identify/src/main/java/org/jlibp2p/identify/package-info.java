/** The identify protocols (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0) as a behaviour. */
package org.jlibp2p.identify;
