/** Gossipsub and floodsub as behaviours. Not built yet: its issue has not come. */
package org.jlibp2p.gossipsub;
