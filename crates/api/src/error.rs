//! The one error type at the HTTP edge. Every failure leaves as `application/problem+json` (RFC 9457) with a
//! stable `code`; unexpected errors are logged with their cause and answered with an opaque 500.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use domain::error::{ErrorCode, FieldError, Problem};
use domain::visit::VisitState;
use sea_orm::DbErr;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("the request is malformed: {0}")]
    Malformed(String),
    #[error("{} field(s) failed validation", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the visit is {current:?}, which does not allow this")]
    InvalidTransition { current: VisitState, detail: String },
    #[error("the visit has already started")]
    VisitAlreadyStarted { detail: String },
    #[error("the idempotency key was used for a different request")]
    IdempotencyKeyReused,
    #[error("invalid idempotency key")]
    InvalidIdempotencyKey,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("not signed in")]
    Unauthorized,
    /// Not a secret: an email or password error says only this, whether or not the account exists.
    #[error("email or password is incorrect")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    /// An API key without the scope an endpoint needs.
    #[error("the API key lacks the scope {}", .0.as_str())]
    MissingScope(domain::api_keys::Scope),
    #[error("the API key is revoked")]
    KeyRevoked,
    /// A visitor's draft whose request was sent cannot be reopened (`crate::journey`).
    #[error("the draft’s request was sent")]
    DraftSent,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: i64 },
    #[error("the visit was changed by someone else")]
    Conflict { current: VisitState, version: i32, detail: String },
    #[error("the slot is full")]
    SlotFull { detail: String },
    #[error("the prison is closed on the slot’s date")]
    SlotClosed { detail: String },
    #[error("the timetable no longer has the slot")]
    SlotNotOffered { detail: String },
    #[error("the timetable changed since it was read (now version {version})")]
    StaleTimetable { version: i64 },
    #[error("the change affects {} booked visit(s)", .0.len())]
    AffectsBookedVisits(Vec<domain::timetable_change::AffectedVisit>),
    /// The change feed's events after a cursor were removed by retention; `oldest` is the position of the oldest
    /// event still kept (none when no event of the prison is kept).
    #[error("the feed no longer holds the events after this cursor")]
    CursorExpired { retention_days: u32, oldest: Option<i64> },
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A database error becomes an opaque 500 (or 503 for an outage) whose logged cause says where the step was: the
/// `?` that converted it (`#[track_caller]` makes `Location::caller()` the `?`'s own file and line), so a failure in
/// the log points at the use case's step, not at this function. A step that needs words as well as a place adds
/// them with `anyhow::Context::context` before its `?`.
impl From<DbErr> for ApiError {
    #[track_caller]
    fn from(err: DbErr) -> Self {
        let at = std::panic::Location::caller();
        ApiError::Internal(anyhow::Error::new(err).context(format!("database step at {}:{}", at.file(), at.line())))
    }
}

/// Seconds a client is asked to wait (`Retry-After`) when the database cannot be reached: long enough for a
/// PostgreSQL restart or fail-over, short enough that a visitor's retry soon succeeds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u32 = 5;

/// The answer for an outage: every `Internal` whose cause is the database being unreachable is one.
static OUTAGE: ApiError = ApiError::Unavailable;

/// True when `err` says the database cannot be reached (pool timed out or closed, connection refused, reset or
/// closed, the server shutting down), as opposed to a query the database refused: the first is a 503 that will
/// pass, the second a 500 to investigate.
pub fn is_connection_error(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_) => true,
                // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
                // connect now) and 53300 (too many connections): PostgreSQL Appendix A.
                Sqlx::Database(db) => db.code().is_some_and(|code| {
                    code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
                }),
                _ => false,
            }
        }
        DbErr::Conn(_) => true,
        _ => false,
    }
}

/// True when the error (or anything in its chain of causes) is the database being unreachable.
fn is_outage(cause: &anyhow::Error) -> bool {
    cause.chain().any(|e| e.downcast_ref::<DbErr>().is_some_and(is_connection_error))
}

impl ApiError {
    pub fn validation(field: FieldError) -> Self {
        ApiError::Validation(vec![field])
    }

    /// The error as answered: an `Internal` caused by an unreachable database is answered as `Unavailable`.
    fn answered(&self) -> &ApiError {
        match self {
            ApiError::Internal(cause) if is_outage(cause) => &OUTAGE,
            other => other,
        }
    }

    fn code(&self) -> ErrorCode {
        match self.answered() {
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Malformed(_) => ErrorCode::MalformedRequest,
            ApiError::Validation(_) => ErrorCode::ValidationFailed,
            ApiError::InvalidTransition { .. } => ErrorCode::InvalidStateTransition,
            ApiError::VisitAlreadyStarted { .. } => ErrorCode::VisitAlreadyStarted,
            ApiError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            ApiError::InvalidIdempotencyKey => ErrorCode::InvalidIdempotencyKey,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::Unauthorized | ApiError::BadCredentials => ErrorCode::Unauthorized,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::MissingScope(_) => ErrorCode::MissingScope,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Conflict { .. }
            | ApiError::StaleTimetable { .. }
            | ApiError::KeyRevoked
            | ApiError::DraftSent => ErrorCode::Conflict,
            ApiError::SlotFull { .. } => ErrorCode::SlotFull,
            ApiError::SlotClosed { .. } => ErrorCode::SlotClosed,
            ApiError::SlotNotOffered { .. } => ErrorCode::SlotNotOffered,
            ApiError::AffectsBookedVisits(_) => ErrorCode::AffectsBookedVisits,
            ApiError::CursorExpired { .. } => ErrorCode::CursorExpired,
            ApiError::Unavailable => ErrorCode::ServiceUnavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self.answered() {
            ApiError::NotFound => "Not found",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::Malformed(_) => "The request could not be read",
            ApiError::Validation(_) => "Some answers need correcting",
            ApiError::InvalidTransition { .. } => "This visit cannot be changed that way",
            ApiError::VisitAlreadyStarted { .. } => "This visit has already started",
            ApiError::IdempotencyKeyReused => "This Idempotency-Key was used for a different request",
            ApiError::InvalidIdempotencyKey => "The Idempotency-Key header is not valid",
            ApiError::PayloadTooLarge => "The request is too large",
            ApiError::Unauthorized => "Sign in to continue",
            ApiError::BadCredentials => "Email address or password is incorrect",
            ApiError::Forbidden => "You do not have permission to do this",
            ApiError::MissingScope(_) => "This API key may not do this",
            ApiError::RateLimited { .. } => "Too many attempts",
            ApiError::Conflict { .. } => "Someone else changed this visit first",
            ApiError::StaleTimetable { .. } => "Someone else changed this timetable first",
            ApiError::KeyRevoked => "This API key has been revoked",
            ApiError::DraftSent => "This request has been sent",
            ApiError::SlotFull { .. } => "That visit time is full",
            ApiError::SlotClosed { .. } => "The prison is closed for visits that day",
            ApiError::SlotNotOffered { .. } => "That visit time is no longer offered",
            ApiError::AffectsBookedVisits(_) => "This change affects visits that are already booked",
            ApiError::CursorExpired { .. } => "The feed no longer reaches back to this cursor",
            ApiError::Unavailable => "The service is unavailable",
            ApiError::Internal(_) => "Sorry, there is a problem with the service",
        }
    }

    fn detail(&self) -> Option<String> {
        match self.answered() {
            ApiError::NotFound => Some("Nothing was found at this address.".into()),
            ApiError::MethodNotAllowed => Some("This address does not take this method; see the Allow header.".into()),
            ApiError::Malformed(why) => Some(why.clone()),
            ApiError::Validation(_) => Some("Check the answers listed in `errors` and try again.".into()),
            ApiError::InvalidTransition { detail, .. } => Some(detail.clone()),
            ApiError::IdempotencyKeyReused => Some(
                "Send a new Idempotency-Key with each new request; reuse one only to retry the same request.".into(),
            ),
            ApiError::InvalidIdempotencyKey => {
                Some("Use 1 to 255 visible ASCII characters, for example a random UUID.".into())
            }
            ApiError::PayloadTooLarge => Some("The request body is larger than the service accepts.".into()),
            ApiError::Unauthorized => Some("Your session is missing, has expired or has ended. Sign in again.".into()),
            ApiError::BadCredentials => Some("Check your email address and password and try again.".into()),
            ApiError::Forbidden => Some("Ask an administrator if you need access.".into()),
            ApiError::MissingScope(scope) => Some(format!(
                "This needs the scope `{}`, which the key does not hold. Ask an administrator for a key with it.",
                scope.as_str()
            )),
            ApiError::RateLimited { retry_after_secs } => Some(match (retry_after_secs + 59) / 60 {
                ..=1 => "Wait a minute before trying again.".to_owned(),
                minutes @ ..=90 => format!("Wait {minutes} minutes before trying again."),
                minutes => format!("Wait {} hours before trying again.", (minutes + 59) / 60),
            }),
            ApiError::Conflict { detail, .. }
            | ApiError::SlotFull { detail }
            | ApiError::SlotClosed { detail }
            | ApiError::SlotNotOffered { detail }
            | ApiError::VisitAlreadyStarted { detail } => Some(detail.clone()),
            ApiError::StaleTimetable { .. } => Some(
                "The prison’s timetable or rules changed since you opened them. Reload to see the changes, then make yours again."
                    .into(),
            ),
            ApiError::AffectsBookedVisits(visits) => Some(format!(
                "{} booked visit(s) would lose their time or go over its places. They stay booked either way: send the change again with `confirm_affected: true` to apply it, then contact those visitors.",
                visits.len()
            )),
            ApiError::KeyRevoked => {
                Some("A revoked key cannot be changed or rotated. Create a new key instead.".into())
            }
            ApiError::DraftSent => {
                Some("Its answers cannot be changed or sent again. Start a new request from a prison’s page.".into())
            }
            ApiError::CursorExpired { retention_days, oldest } => Some(format!(
                "Events are kept {retention_days} days and some after this cursor have been removed, so paging on \
                 from it would skip them. Read the current state again (for example the visits), then follow the \
                 feed from its oldest event by leaving out `after`{}.",
                oldest.map_or_else(String::new, |p| format!(" (the oldest kept is at position {p})"))
            )),
            ApiError::Unavailable => Some("The service cannot answer right now. Try again in a moment.".into()),
            ApiError::Internal(_) => Some("Try again later. The problem has been logged.".into()),
        }
    }

    pub fn problem(&self) -> Problem {
        let code = self.code();
        Problem {
            type_uri: format!("/problems/{}", code.as_str()),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code,
            request_id: crate::edge::current_request_id(),
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            current_state: match self {
                ApiError::InvalidTransition { current, .. } | ApiError::Conflict { current, .. } => Some(*current),
                _ => None,
            },
            current_version: match self {
                ApiError::Conflict { version, .. } => Some(i64::from(*version)),
                ApiError::StaleTimetable { version } => Some(*version),
                _ => None,
            },
            affected_visits: match self {
                ApiError::AffectsBookedVisits(visits) => visits.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self.answered() {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Malformed(_) | ApiError::InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InvalidTransition { .. }
            | ApiError::VisitAlreadyStarted { .. }
            | ApiError::Conflict { .. }
            | ApiError::StaleTimetable { .. }
            | ApiError::KeyRevoked
            | ApiError::DraftSent
            | ApiError::SlotFull { .. }
            | ApiError::SlotClosed { .. }
            | ApiError::SlotNotOffered { .. }
            | ApiError::AffectsBookedVisits(_) => StatusCode::CONFLICT,
            ApiError::Unauthorized | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::MissingScope(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::CursorExpired { .. } => StatusCode::GONE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            // The cause (possibly database text) goes to the log, never to the client.
            if is_outage(cause) {
                tracing::warn!(error = ?cause, "database unreachable");
            } else {
                tracing::error!(error = ?cause, "request failed");
            }
        }
        let mut response = problem_response(&self.problem());
        match self.answered() {
            ApiError::Unauthorized | ApiError::BadCredentials => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited { retry_after_secs } => {
                if let Ok(value) = header::HeaderValue::from_str(&(*retry_after_secs).max(1).to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            ApiError::Unavailable => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS));
            }
            _ => {}
        }
        response
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failing_step() -> Result<(), ApiError> {
        // The cause names its own line, which the context must name too.
        Err(DbErr::Custom(format!("disk I/O error on line {}", line!())))?;
        Ok(())
    }

    #[test]
    fn a_database_error_is_logged_with_the_step_that_failed_and_answered_without_its_text() {
        let err = failing_step().err().map(|e| format!("{e:?}")).unwrap_or_default();
        let line = err
            .split("disk I/O error on line ")
            .nth(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .unwrap_or_default();
        assert!(!line.is_empty(), "{err}");
        assert!(err.contains(&format!("database step at {}:{line}", file!())), "{err}");
        assert!(err.contains("disk I/O error"), "the cause stays in the log: {err}");
        let answered = failing_step().err().map(|e| e.problem());
        let body = serde_json::to_string(&answered).unwrap_or_default();
        assert!(!body.contains("disk I/O") && !body.contains("error.rs"), "{body}");
    }
}
