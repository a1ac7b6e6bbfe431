// The Engine layer is filled by the engine-core issue (transports, RLPx connection, Peer, Protocol).
