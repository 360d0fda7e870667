//! The OpenAPI 3.1 `webhooks` section (added to the generated document in `crate::openapi`).
