//! The real SDK client against the wire-level fake, through the `Recognizer` interface.

mod calls;
mod common;
mod failures;
