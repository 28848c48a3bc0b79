//! Intent classification and out-of-scope detection on sentence embeddings.
