//! Header inspection and bounded decoding (being written).
