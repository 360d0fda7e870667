//! The waiting list per slot, for staff and integrators.

use actix_web::{HttpResponse, get, web};
use domain::error::Problem;
use domain::waiting_list::WaitingList;
use uuid::Uuid;

use crate::auth::{Scoped, scope};
use crate::error::ApiError;
use crate::reports::routes::DayQuery;
use crate::state::AppState;

/// A prison's waiting list on a date: each slot someone waits for, with the visits waiting there, first in line
/// first (the order they joined). A place freed in the slot (a cancellation, a withdrawn or rejected request that
/// held it, more places in the timetable) goes to the first of them at once: booked at an instant-booking prison,
/// otherwise a request holding the place for staff to decide. A visit waiting for several times is listed under each.
#[utoipa::path(
    tag = "staff",
    security(("bearer_auth" = []), ("api_key" = ["visits:read"])),
    params(("prison_id" = Uuid, Path, description = "One of the caller's prisons"), DayQuery),
    responses(
        (status = 200, description = "The waiting list", body = WaitingList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`missing_scope`: an API key without `visits:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's prisons", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date that is not a real `YYYY-MM-DD` day from 2000 to 10 years ahead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff/prisons/{prison_id}/waiting-list")]
#[tracing::instrument(skip(state, user), fields(caller = %user))]
pub async fn waiting_list(
    state: web::Data<AppState>,
    user: Scoped<scope::VisitsRead>,
    prison_id: web::Path<Uuid>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = super::service::list(&state, &user, prison_id.into_inner(), query.date.as_deref()).await?;
    Ok(HttpResponse::Ok().json(list))
}
