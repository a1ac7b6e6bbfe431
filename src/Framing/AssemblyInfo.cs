// The Framing layer is filled by the Framing issue (RLP, snappy, RLPx handshake and frames).
