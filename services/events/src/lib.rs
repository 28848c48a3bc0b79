//! In-process event bus: how domain events reach subscribers.
