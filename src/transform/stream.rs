//! Response filters (work in progress).
