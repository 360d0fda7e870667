//! Demonstration prisons for a fresh start, so the first run shows something. Clearly marked as demo data, and
//! never seeded when `DEMO_DATA=false` (production) or when the database already has prisons.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use domain::api::VisitingRules;
use domain::calendar::{DateSlot, WeeklySlot, london_today};
use domain::staff::Role;
use sea_orm::{DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use crate::prisons::store::NewPrison;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

fn weekly(weekday: Weekday, start: NaiveTime, end: NaiveTime, capacity: u32, closed_capacity: u32) -> WeeklySlot {
    WeeklySlot { weekday, start, end, capacity, closed_capacity, valid_from: None, valid_to: None }
}

/// Seeds the demo prisons if there are no prisons at all. Returns how many were added.
pub async fn seed_demo_data(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
    if crate::prisons::store::count(db).await? > 0 {
        return Ok(0);
    }
    let today = london_today(now);
    let tx = db.begin().await?;

    let rochester = Uuid::new_v4();
    crate::prisons::store::insert(
        &tx,
        NewPrison {
            id: rochester,
            code: "DEMO-RCI",
            name: "HMP Rochester (demo)",
            address_lines: &["1 Sir Evelyn Road"],
            town: "Rochester",
            postcode: "ME1 3QS",
            email: "visits.rochester@example.org",
            phone: "01632 960001",
            rules: VisitingRules::default(),
            demo: true,
        },
        now,
    )
    .await?;
    for slot in [
        weekly(Weekday::Mon, t(14, 0), t(16, 10), 12, 2),
        weekly(Weekday::Wed, t(14, 0), t(16, 10), 12, 2),
        weekly(Weekday::Fri, t(14, 0), t(16, 10), 12, 2),
        weekly(Weekday::Sat, t(9, 30), t(11, 30), 20, 2),
        weekly(Weekday::Sat, t(14, 0), t(16, 0), 20, 2),
        weekly(Weekday::Sun, t(14, 0), t(16, 0), 20, 2),
    ] {
        crate::prisons::store::insert_weekly_slot(&tx, rochester, &slot).await?;
    }

    let cardiff = Uuid::new_v4();
    crate::prisons::store::insert(
        &tx,
        NewPrison {
            id: cardiff,
            code: "DEMO-CFI",
            name: "HMP Cardiff (demo)",
            address_lines: &["Knox Road"],
            town: "Cardiff",
            postcode: "CF24 0UG",
            email: "visits.cardiff@example.org",
            phone: "02920 180000",
            rules: VisitingRules { adult_age: 10, ..VisitingRules::default() },
            demo: true,
        },
        now,
    )
    .await?;
    for slot in [
        weekly(Weekday::Tue, t(13, 45), t(15, 45), 15, 1),
        weekly(Weekday::Wed, t(13, 45), t(15, 45), 15, 1),
        weekly(Weekday::Thu, t(13, 45), t(15, 45), 15, 1),
        weekly(Weekday::Sat, t(9, 30), t(11, 0), 18, 1),
        weekly(Weekday::Sat, t(14, 0), t(15, 30), 18, 1),
    ] {
        crate::prisons::store::insert_weekly_slot(&tx, cardiff, &slot).await?;
    }

    let leeds = Uuid::new_v4();
    crate::prisons::store::insert(
        &tx,
        NewPrison {
            id: leeds,
            code: "DEMO-LEI",
            name: "HMP Leeds (demo)",
            address_lines: &["2 Gloucester Terrace", "Armley"],
            town: "Leeds",
            postcode: "LS12 2TJ",
            email: "visits.leeds@example.org",
            phone: "0113 496 0000",
            rules: VisitingRules { weekend_processing: true, ..VisitingRules::default() },
            demo: true,
        },
        now,
    )
    .await?;
    for weekday in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun] {
        crate::prisons::store::insert_weekly_slot(&tx, leeds, &weekly(weekday, t(14, 15), t(16, 15), 25, 2)).await?;
    }

    // Christmas closures and a family day, so the demo calendar shows every kind of date.
    for (prison, month, day) in [(rochester, 12, 25), (rochester, 12, 26), (cardiff, 12, 25), (leeds, 12, 25)] {
        let year = if (today.month(), today.day()) > (month, day) { today.year() + 1 } else { today.year() };
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            crate::prisons::store::insert_closed_date(&tx, prison, date, Some("Christmas")).await?;
        }
    }
    let family_day = today + Duration::days(21);
    crate::prisons::store::insert_replacement_slot(
        &tx,
        leeds,
        &DateSlot { date: family_day, start: t(10, 0), end: t(15, 0), capacity: 40, closed_capacity: 0 },
    )
    .await?;

    // Demo staff, one password for all, printed at start so the first run can sign in.
    let hash = crate::auth::hash_password(DEMO_STAFF_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (email, name, role, prisons) in [
        ("admin@demo.example", "Demo Admin", Role::Admin, vec![]),
        ("rochester@demo.example", "Rochester Visits Team", Role::Staff, vec![rochester]),
        ("north@demo.example", "Leeds and Cardiff Visits Team", Role::Staff, vec![leeds, cardiff]),
    ] {
        let id = Uuid::new_v4();
        crate::staff::store::insert(
            &tx,
            crate::staff::store::NewStaff { id, email, name, password_hash: &hash, role },
            now,
        )
        .await?;
        crate::staff::store::set_prisons(&tx, id, &prisons).await?;
    }

    tx.commit().await?;
    Ok(3)
}

/// The password of every demo staff account (demo data only; never in production).
pub const DEMO_STAFF_PASSWORD: &str = "demo-visits-password";

/// How to sign in to the demo, for the start-up log.
pub fn demo_sign_in_help() -> String {
    format!(
        "demo staff: admin@demo.example (admin), rochester@demo.example (HMP Rochester), north@demo.example \
(HMP Leeds and HMP Cardiff); password {DEMO_STAFF_PASSWORD:?}"
    )
}
