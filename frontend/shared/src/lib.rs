//! What the two web clients (the visitor app in `frontend/visitor`, the staff app in `frontend/staff`) share: the
//! page shell pieces, focus handling, the API client over the `domain` wire types, and the English/Welsh wording.

pub mod api;
pub mod browser;
pub mod focus;
pub mod i18n;
pub mod shell;
