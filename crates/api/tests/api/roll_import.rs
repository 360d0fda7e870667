//! `prison-visits import-roll`: two CSV files read as strictly as the API reads a pushed record, all or nothing, every
//! bad line reported with its file, line and column. Through the service on both databases, and once through the
//! command itself for its exit code and output.

use api::records::roll::Imported;
use api::records::roll_csv::{CsvFile, LineProblem};
use domain::records::PrisonerRecord;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_databases;

const PRISONERS: &str =
    "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance,allowance_renews_on,away_from,away_to\n";
const CONTACTS: &str = "number,first_name,last_name,date_of_birth,approved,banned,banned_until\n";
const JOHN: &str = "A1234BC,John,Smith,1985-04-12,TBR,2,2026-12-14,,\n";
const ANN: &str = "B2345CD,Ann,Jones,1990-01-01,TBR,1,,,\n";

async fn import(app: &TestApp, prisoners: &str, contacts: &str) -> Result<Imported, Vec<String>> {
    api::records::roll::import_csv(
        &app.state,
        CsvFile { name: "prisoners.csv", bytes: prisoners.as_bytes() },
        CsvFile { name: "contacts.csv", bytes: contacts.as_bytes() },
    )
    .await
    .unwrap()
    .map_err(|problems| problems.iter().map(LineProblem::to_string).collect())
}

async fn stored(app: &TestApp, number: &str) -> Option<PrisonerRecord> {
    api::records::roll_store::find(&app.state.db, number).await.unwrap()
}

async fn a_yes_no_value_is_one_of_its_documented_words_and_anything_else_loads_nothing(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let good = format!(
        "{CONTACTS}A1234BC,Mary,Smith,1980-07-01,Yes,FALSE,\nA1234BC,Amy,Smith,2015-03-09,1,true,2027-01-31\n\
         A1234BC,Tom,Smith,2012-02-02,no,1,\nB2345CD,Bob,Jones,1970-05-05,0,no,\n"
    );
    assert_eq!(
        import(&app, &format!("{PRISONERS}{JOHN}{ANN}"), &good).await,
        Ok(Imported { prisoners: 2, contacts: 4 })
    );
    let john = stored(&app, "A1234BC").await.unwrap();
    let flags: Vec<(&str, bool, bool)> =
        john.contacts.iter().map(|c| (c.first_name.as_str(), c.approved, c.banned)).collect();
    // Kept in one order (by name): see `PrisonerRecord::canonical`.
    assert_eq!(flags, [("Amy", true, true), ("Mary", true, false), ("Tom", false, true)]);

    // Seen in the field: `x`, `maybe` or nothing in `banned` loaded the contact as not banned, without a word.
    let bad = format!(
        "{CONTACTS}A1234BC,Mary,Smith,1980-07-01,yes,x,\nA1234BC,Amy,Smith,2015-03-09,yes,maybe,2027-01-31\n\
         A1234BC,Tom,Smith,2012-02-02,yes,,\nB2345CD,Bob,Jones,1970-05-05,,no,\n"
    );
    let problems = import(&app, &format!("{PRISONERS}{JOHN}{ANN}"), &bad).await.unwrap_err();
    assert_eq!(
        problems,
        [
            "contacts.csv:2: banned: \"x\" is not one of true, false, yes, no, 1 or 0",
            "contacts.csv:3: banned: \"maybe\" is not one of true, false, yes, no, 1 or 0",
            "contacts.csv:4: banned: is empty: enter true, false, yes, no, 1 or 0",
            "contacts.csv:5: approved: is empty: enter true, false, yes, no, 1 or 0",
        ]
    );
    // All or nothing: the roll is as the good import left it (Amy still banned, Tom still not approved).
    assert_eq!(stored(&app, "A1234BC").await.unwrap(), john);
}

async fn a_prisoner_or_a_contact_given_twice_is_refused_not_overwritten(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    // Seen in the field: two lines for one prisoner loaded the last one, and the count said 3 for 2 prisoners.
    let twice = format!("{PRISONERS}{JOHN}{ANN}a1234bc,John,Smith,1985-04-12,LDS,0,,,\n");
    let problems = import(&app, &twice, CONTACTS).await.unwrap_err();
    assert_eq!(problems, ["prisoners.csv:4: number: A1234BC is already on line 2: give each prisoner once"]);
    assert_eq!(app.count("prisoner_roll").await, 0);

    let contacts = format!("{CONTACTS}A1234BC,Mary,Smith,1980-07-01,yes,no,\nA1234BC,MARY,smith,1980-07-01,no,yes,\n");
    let problems = import(&app, &format!("{PRISONERS}{JOHN}"), &contacts).await.unwrap_err();
    assert_eq!(problems, ["contacts.csv:3: The same person as line 2: give each contact once"]);
    assert_eq!(app.count("prisoner_roll").await, 0);

    assert_eq!(
        import(&app, &format!("{PRISONERS}{JOHN}{ANN}"), CONTACTS).await,
        Ok(Imported { prisoners: 2, contacts: 0 })
    );
}

async fn a_line_with_a_field_missing_or_extra_is_refused_not_shifted_into_other_columns(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    // 8 fields under a header of 9: read by position it put the allowance in prison_code.
    let short = format!("{PRISONERS}{JOHN}B2345CD,Ann,Jones,1990-01-01,1,,,\nC3456DE,Cy,Brown,1991-01-01,TBR,1,,,,\n");
    let problems = import(&app, &short, CONTACTS).await.unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("prisoners.csv:3: 8 field(s) where the header has 9"), "{problems:?}");
    assert!(problems[1].starts_with("prisoners.csv:4: 10 field(s) where the header has 9"), "{problems:?}");
    assert_eq!(app.count("prisoner_roll").await, 0);

    // Columns are matched by name, not position; optional ones may be left out of the header.
    let reordered = "visiting_allowance,prison_code,date_of_birth,last_name,first_name,number\n2,tbr,1985-04-12,Smith,John,A1234BC\n";
    assert_eq!(import(&app, reordered, CONTACTS).await, Ok(Imported { prisoners: 1, contacts: 0 }));
    let john = stored(&app, "A1234BC").await.unwrap();
    assert_eq!((john.visiting_allowance, john.prison_code.as_deref()), (2, Some("TBR")));
}

async fn a_file_without_its_header_or_with_a_wrong_one_is_refused(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    // Seen in the field: no header loaded 0 prisoners with success (the first prisoner was read as the header).
    let problems = import(&app, &format!("{JOHN}{ANN}"), CONTACTS).await.unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("prisoners.csv:1: no header: the first line must name the columns, number,"));
    assert!(problems[0].ends_with("; it is a1234bc,john,smith,1985-04-12,tbr,2,2026-12-14,,"), "{problems:?}");
    // A header with a required column missing is refused too.
    let problems = import(&app, &format!("{}{JOHN}", PRISONERS.replace("date_of_birth", "dob")), CONTACTS).await;
    let problems = problems.unwrap_err();
    assert!(problems[0].starts_with("prisoners.csv:1: unknown column \"dob\" (column 4)"), "{problems:?}");
    assert!(problems[1].starts_with("prisoners.csv:1: the header lacks date_of_birth;"), "{problems:?}");
    let problems = import(&app, "", "").await.unwrap_err();
    assert!(problems[0].starts_with("prisoners.csv:1: no header"), "{problems:?}");
    assert!(problems[1].starts_with("contacts.csv:1: no header"), "{problems:?}");
    // A misspelt optional column would silently read as empty: it is refused, as is a column named twice.
    let contacts = "number,first_name,last_name,date_of_birth,approved,banned,banned_untill\n";
    let problems = import(&app, &format!("{PRISONERS}{JOHN}"), contacts).await.unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("contacts.csv:1: unknown column \"banned_untill\" (column 7)"), "{problems:?}");
    let twice = "number,first_name,last_name,date_of_birth,prison_code,visiting_allowance,NUMBER\n";
    let problems = import(&app, twice, CONTACTS).await.unwrap_err();
    assert_eq!(problems, ["prisoners.csv:1: column \"number\" is named twice (columns 1 and 7)"]);
    assert_eq!(app.count("prisoner_roll").await, 0);
    // A byte-order mark and capitals in the header are fine.
    let header = format!("\u{feff}{}", PRISONERS.to_uppercase());
    assert_eq!(import(&app, &format!("{header}{JOHN}"), CONTACTS).await, Ok(Imported { prisoners: 1, contacts: 0 }));
}

async fn quoted_commas_quotes_and_line_breaks_are_one_field_and_every_line_number_is_true(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let prisoners = format!(
        "{PRISONERS}A1234BC,John,\"O'Brien, \"\"Jr\"\"\",1985-04-12,TBR,2,,,\n\
         B2345CD,\"Ann\nMarie\",Jones,1990-01-01,TBR,1,,,\nC3456DE,Cy,Brown,1991-02-30,TBR,1,,,\n"
    );
    // Seen in the field: the quoted line break split the record in two, each half with errors of its own, and every
    // later line number was off by one.
    let problems = import(&app, &prisoners, CONTACTS).await.unwrap_err();
    assert_eq!(problems, ["prisoners.csv:5: date_of_birth: \"1991-02-30\" is not a real date written YYYY-MM-DD"]);
    let good = prisoners.replace("1991-02-30", "1991-02-28");
    assert_eq!(import(&app, &good, CONTACTS).await, Ok(Imported { prisoners: 3, contacts: 0 }));
    assert_eq!(stored(&app, "A1234BC").await.unwrap().last_name, "O'Brien, \"Jr\"");
    // A line break in a name is a space, as the API reads it.
    assert_eq!(stored(&app, "B2345CD").await.unwrap().first_name, "Ann Marie");
}

async fn every_problem_has_its_file_line_and_column_and_the_rules_are_the_apis_on_the_import_day(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    app.add_staff("admin@testbridge.example", "admin", &[]).await;
    let admin = app.access_token("admin@testbridge.example").await;
    // Today is 30 November 2026: a date of birth tomorrow is in the future; bans and absences are checked too.
    let prisoners = format!(
        "{PRISONERS}{JOHN}B2345CD,Ann,Jones,2026-12-01,TBR,1,,2026-12-10,2026-12-09\nC3456DE,Cy,Brown,1991-01-01,T B R,1,,,\n\
         D4567EF,Di,Green,1992-01-01,TBR,-1,,,\nE5678FG,Ed,White,1993-01-01,TBR,1,,,2026-12-09\n"
    );
    let contacts = format!(
        "{CONTACTS}A1234BC,Mary,Smith,1980-07-01,yes,no,2027-01-31\nZ9999ZZ,Zed,Zee,1980-01-01,yes,no,\n\
         A1234BC,Amy,Smith,2015-03-09,yes,yes,2060-01-01\nA12,Al,Smith,1980-01-01,yes,no,\n"
    );
    let problems = import(&app, &prisoners, &contacts).await.unwrap_err();
    assert_eq!(
        problems,
        [
            "prisoners.csv:3: away_to: The last day away must not be before the first",
            "prisoners.csv:3: date_of_birth: The date of birth must be in the past",
            "prisoners.csv:4: prison_code: Enter the prison code of 2 to 16 capital letters, digits or hyphens, like RCI",
            "prisoners.csv:5: visiting_allowance: \"-1\" is not a whole number, 0 or more",
            "prisoners.csv:6: away_to: is given without away_from: enter the first day away too",
            "contacts.csv:2: banned_until: The last day of a ban is only given for a banned contact (banned: true)",
            "contacts.csv:3: number: no prisoner Z9999ZZ in prisoners.csv",
            "contacts.csv:4: banned_until: The last day of the ban must be the same as or before 30 November 2051",
            "contacts.csv:5: number: Enter a prison number in the correct format, like A1234BC",
        ]
    );
    assert_eq!(app.count("prisoner_roll").await, 0);

    // The API refuses the same records for the same reasons.
    let put = |number: &str, body: serde_json::Value| {
        let (app, admin, path) = (&app, &admin, format!("/api/v1/records/prisoners/{number}"));
        async move { app.client.put(app.url(&path)).bearer_auth(admin).json(&body).send().await.unwrap() }
    };
    let ann = json!({"number": "B2345CD", "first_name": "Ann", "last_name": "Jones", "date_of_birth": "2026-12-01",
        "prison_code": "TBR", "visiting_allowance": 1, "unavailable": [{"from": "2026-12-10", "to": "2026-12-09"}]});
    let errors = field_errors(&problem(put("B2345CD", ann).await, 422).await);
    assert_eq!(
        errors,
        [
            ("unavailable[0].to".to_owned(), "out_of_range".to_owned()),
            ("date_of_birth".into(), "date_in_future".into())
        ]
    );
    let john = json!({"number": "A1234BC", "first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12",
        "prison_code": "TBR", "visiting_allowance": 2, "contacts": [
            {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01", "approved": true, "banned_until": "2027-01-31"},
            {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-09", "approved": true, "banned": true},
            {"first_name": "amy", "last_name": "SMITH", "date_of_birth": "2015-03-09", "approved": true}]});
    let errors = field_errors(&problem(put("A1234BC", john).await, 422).await);
    assert_eq!(
        errors,
        [
            ("contacts[0].banned_until".to_owned(), "invalid_value".to_owned()),
            ("contacts[2]".into(), "invalid_value".into())
        ]
    );
}

async fn the_import_command_prints_every_problem_and_exits_non_zero_and_loads_a_good_roll(db: Db) {
    let app = spawn_app_at(db, monday_morning()).await;
    let dir = std::env::temp_dir().join(format!("pvb-roll-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (prisoners, contacts) = (dir.join("prisoners.csv"), dir.join("contacts.csv"));
    let run = |prisoners_text: String, contacts_text: String| {
        let (prisoners, contacts, url) = (prisoners.clone(), contacts.clone(), app.db_url.clone());
        tokio::task::spawn_blocking(move || {
            std::fs::write(&prisoners, prisoners_text).unwrap();
            std::fs::write(&contacts, contacts_text).unwrap();
            std::process::Command::new(env!("CARGO_BIN_EXE_prison-visits"))
                .arg("import-roll")
                .args([&prisoners, &contacts])
                .env("DATABASE_URL", url)
                .env("DEMO_DATA", "false")
                .env("RUST_LOG", "warn")
                .output()
                .unwrap()
        })
    };
    let bad = run(format!("{PRISONERS}{JOHN}{JOHN}"), format!("{CONTACTS}A1234BC,Mary,Smith,1980-07-01,yes,x,\n"))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    let p = prisoners.display();
    let c = contacts.display();
    assert!(stderr.contains(&format!("{p}:3: number: A1234BC is already on line 2")), "{stderr}");
    assert!(stderr.contains(&format!("{c}:2: banned: \"x\" is not one of")), "{stderr}");
    assert!(stderr.contains("nothing loaded: 2 problem(s)"), "{stderr}");
    assert_eq!(app.count("prisoner_roll").await, 0);

    let good = run(format!("{PRISONERS}{JOHN}{ANN}"), format!("{CONTACTS}A1234BC,Mary,Smith,1980-07-01,yes,no,\n"))
        .await
        .unwrap();
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    assert_eq!(String::from_utf8_lossy(&good.stdout), "loaded 2 prisoners with 1 contacts\n");
    assert_eq!(app.count("prisoner_roll").await, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

on_both_databases!(
    a_yes_no_value_is_one_of_its_documented_words_and_anything_else_loads_nothing,
    a_prisoner_or_a_contact_given_twice_is_refused_not_overwritten,
    a_line_with_a_field_missing_or_extra_is_refused_not_shifted_into_other_columns,
    a_file_without_its_header_or_with_a_wrong_one_is_refused,
    quoted_commas_quotes_and_line_breaks_are_one_field_and_every_line_number_is_true,
    every_problem_has_its_file_line_and_column_and_the_rules_are_the_apis_on_the_import_day,
    the_import_command_prints_every_problem_and_exits_non_zero_and_loads_a_good_roll,
);
