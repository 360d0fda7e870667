//! Prisons as admins add and change them.

use actix_web::{HttpResponse, post, put, web};
use domain::api::{PrisonDetails, PrisonInput};
use domain::error::Problem;
use uuid::Uuid;

use super::admin;
use crate::auth::AdminUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::state::AppState;

/// Add a prison (admins only). Its timetable starts empty; set it with `PUT /api/v1/staff/prisons/{id}/timetable`.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    request_body = PrisonInput,
    responses(
        (status = 201, description = "Added", body = PrisonDetails),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/prisons")]
#[tracing::instrument(skip_all)]
pub async fn create_prison(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: Json<PrisonInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(admin::create(&state, body.into_inner()).await?))
}

/// Change a prison's name, code, address, contact details and rules (admins only). Without `rules` the prison keeps
/// its current rules; with them, they replace the old ones.
#[utoipa::path(
    tag = "admin",
    security(("bearer_auth" = [])),
    params(("prison_id" = Uuid, Path, description = "The prison's id")),
    request_body = PrisonInput,
    responses(
        (status = 200, description = "Changed", body = PrisonDetails),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such prison", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/prisons/{prison_id}")]
#[tracing::instrument(skip(state, _admin, body))]
pub async fn update_prison(
    state: web::Data<AppState>,
    _admin: AdminUser,
    prison_id: web::Path<Uuid>,
    body: Json<PrisonInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(admin::update(&state, prison_id.into_inner(), body.into_inner()).await?))
}
