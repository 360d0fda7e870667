//! Work done in the background: delivering the outbox, the prisons' daily digests, and the daily retention job.

pub mod outbox;
pub mod retention;
