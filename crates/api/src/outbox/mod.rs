//! Email through the outbox: messages written in the transaction of the change they tell about (`store`), delivered
//! and retried by the background `worker`, sent by one of the `email` transports.

pub mod email;
pub mod store;
pub mod worker;
