//! A prison's rules and timetable, for its staff and admins.

use actix_web::{HttpResponse, get, put, web};
use domain::calendar::london_today;
use domain::error::Problem;
use domain::timetable_change::{TimetableChange, TimetableChanged, TimetableView, check_timetable_dates};
use uuid::Uuid;

use super::timetable;
use crate::auth::StaffUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// The prison's visiting rules and whole timetable: weekly slots with open and closed-visit places and validity
/// dates, closed dates, and dates whose slots are replaced by others.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = [])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons")),
    responses(
        (status = 200, description = "Rules and timetable", body = TimetableView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/timetable")]
#[tracing::instrument(skip(state, user), fields(staff_id = %user.id))]
pub async fn get_timetable(
    state: web::Data<AppState>,
    user: StaffUser,
    prison_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(timetable::get(&state, &user, prison_id.into_inner()).await?))
}

/// Replace the prison's rules and timetable. Visitors see the change at once. A change that would leave booked
/// visits without their time, or over its places, is refused with 409 `affects_booked_visits` listing them, unless
/// `confirm_affected` is true; booked visits are never dropped. Places the change gives go to the waiting list at
/// once; waiting visits whose every time it takes away leave the list (`waiting_list_ended`) and their visitors are
/// told by email or text.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = [])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons")),
    request_body = TimetableChange,
    responses(
        (status = 200, description = "Changed", body = TimetableChanged),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Booked visits would be affected; see `affected_visits`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The timetable or rules are not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/staff/prisons/{prison_id}/timetable")]
#[tracing::instrument(skip(state, user, body), fields(staff_id = %user.id))]
pub async fn put_timetable(
    state: web::Data<AppState>,
    user: StaffUser,
    prison_id: web::Path<Uuid>,
    body: Json<TimetableChange>,
) -> Result<HttpResponse, ApiError> {
    let errors = check_timetable_dates(&body, london_today(state.clock.now()));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(HttpResponse::Ok().json(timetable::change(&state, &user, prison_id.into_inner(), body.into_inner()).await?))
}
