//! HTTP routes: thin handlers that read the request, call one service, and shape the response.

pub mod health;
pub mod notifications;
pub mod prisons;
pub mod reports;
pub mod roll;
pub mod staff;
pub mod staff_visits;
pub mod timetables;
pub mod visits;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(health::ready)
        .service(prisons::list_prisons)
        .service(prisons::get_prison)
        .service(prisons::get_availability)
        .service(visits::create_visit)
        .service(visits::get_visit)
        .service(visits::withdraw_visit)
        .service(visits::cancel_visit)
        .service(staff::sign_in)
        .service(staff::refresh)
        .service(staff::sign_out)
        .service(staff::me)
        .service(staff::list_accounts)
        .service(staff::create_account)
        .service(staff::update_account)
        .service(staff::create_prison)
        .service(staff::update_prison)
        .service(staff_visits::inbox)
        .service(staff_visits::search)
        .service(staff_visits::get_visit)
        .service(staff_visits::decide)
        .service(staff_visits::cancel)
        .service(staff_visits::acknowledge_cancellation)
        .service(notifications::send_message)
        .service(notifications::get_prison_notifications)
        .service(notifications::put_prison_notifications)
        .service(roll::get_prisoner)
        .service(roll::put_prisoner)
        .service(reports::day_list)
        .service(reports::day_list_csv)
        .service(reports::metrics)
        .service(timetables::get_timetable)
        .service(timetables::put_timetable);
}
