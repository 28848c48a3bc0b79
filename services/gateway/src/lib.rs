//! The only crate that speaks HTTP, websockets and JSON: routes, auth, wire shapes.
