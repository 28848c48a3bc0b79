//! Versioned bot definitions: YAML loading, validation, slots and response templates.
