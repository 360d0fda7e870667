//! Emails and text messages through the outbox: messages written in the transaction of the change they tell about
//! (`store`), delivered and retried by the background `worker`, sent by one of the `email` or `sms` transports
//! (GOV.UK Notify's API, shared by both, in `notify`).

pub mod email;
pub mod notify;
pub mod sms;
pub mod store;
pub mod worker;
