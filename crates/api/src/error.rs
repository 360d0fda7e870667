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
    #[error("the request is malformed: {0}")]
    Malformed(String),
    #[error("{} field(s) failed validation", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the visit is {current:?}, which does not allow this")]
    InvalidTransition { current: VisitState, detail: String },
    #[error("the visit has already started")]
    VisitAlreadyStarted,
    #[error("the idempotency key was used for a different request")]
    IdempotencyKeyReused,
    #[error("invalid idempotency key")]
    InvalidIdempotencyKey,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        ApiError::Internal(anyhow::Error::new(err))
    }
}

impl ApiError {
    pub fn validation(field: FieldError) -> Self {
        ApiError::Validation(vec![field])
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Malformed(_) => ErrorCode::MalformedRequest,
            ApiError::Validation(_) => ErrorCode::ValidationFailed,
            ApiError::InvalidTransition { .. } => ErrorCode::InvalidStateTransition,
            ApiError::VisitAlreadyStarted => ErrorCode::VisitAlreadyStarted,
            ApiError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            ApiError::InvalidIdempotencyKey => ErrorCode::InvalidIdempotencyKey,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::Unavailable => ErrorCode::ServiceUnavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::NotFound => "Not found",
            ApiError::Malformed(_) => "The request could not be read",
            ApiError::Validation(_) => "Some answers need correcting",
            ApiError::InvalidTransition { .. } => "This visit cannot be changed that way",
            ApiError::VisitAlreadyStarted => "This visit has already started",
            ApiError::IdempotencyKeyReused => "This Idempotency-Key was used for a different request",
            ApiError::InvalidIdempotencyKey => "The Idempotency-Key header is not valid",
            ApiError::PayloadTooLarge => "The request is too large",
            ApiError::Unavailable => "The service is unavailable",
            ApiError::Internal(_) => "Sorry, there is a problem with the service",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::NotFound => Some("Nothing was found at this address.".into()),
            ApiError::Malformed(why) => Some(why.clone()),
            ApiError::Validation(_) => Some("Check the answers listed in `errors` and try again.".into()),
            ApiError::InvalidTransition { detail, .. } => Some(detail.clone()),
            ApiError::VisitAlreadyStarted => {
                Some("A visit can only be cancelled before it starts. Contact the prison instead.".into())
            }
            ApiError::IdempotencyKeyReused => Some(
                "Send a new Idempotency-Key with each new request; reuse one only to retry the same request.".into(),
            ),
            ApiError::InvalidIdempotencyKey => {
                Some("Use 1 to 255 visible ASCII characters, for example a random UUID.".into())
            }
            ApiError::PayloadTooLarge => Some("The request body is larger than the service accepts.".into()),
            ApiError::Unavailable => Some("Try again in a few minutes.".into()),
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
            request_id: None,
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            current_state: match self {
                ApiError::InvalidTransition { current, .. } => Some(*current),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Malformed(_) | ApiError::InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InvalidTransition { .. } | ApiError::VisitAlreadyStarted => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            // The cause (possibly database text) goes to the log, never to the client.
            tracing::error!(error = ?cause, "request failed");
        }
        problem_response(&self.problem())
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(problem)
}
