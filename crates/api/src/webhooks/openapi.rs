//! The OpenAPI 3.1 `webhooks` section: one entry per event type, with its payload's schema, an example, and the
//! Standard Webhooks headers. utoipa 5 has no field for it, so [`add`] writes it into the generated document.

use domain::events::EventType;
use serde_json::{Value, json};
use utoipa::openapi::OpenApi as Spec;

const VISIT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const PRISON: &str = "0b8e2f4c-1a3d-4e5f-8a6b-7c9d0e1f2a3b";

fn summary(event: EventType) -> &'static str {
    match event {
        EventType::VisitRequested => "A visit was requested",
        EventType::VisitBooked => "A visit was booked",
        EventType::VisitRejected => "A request was rejected",
        EventType::VisitWithdrawn => "A request was withdrawn by the visitor",
        EventType::VisitCancelled => "A booked visit was cancelled",
        EventType::VisitMessaged => "Staff sent the visitor a message",
        EventType::VisitWaiting => "A visitor joined the waiting list for full times",
        EventType::VisitExpired => "A waiting-list visit's times all passed without a place",
        EventType::TimetableChanged => "The prison's timetable changed",
        EventType::RollUpdated => "The prison's roll was updated",
    }
}

/// The `data` schema's name and an example `data` for an event type.
fn data(event: EventType) -> (&'static str, Value) {
    let visit = |state: &str, version: i32, booked: bool, actor: &str, message: bool| {
        let mut data = json!({"visit_id": VISIT, "reference": "ABCD2345", "prison_id": PRISON, "state": state,
            "version": version, "actor": actor});
        if booked {
            data["booked_slot"] = json!({"date": "2026-12-04", "start": "14:00", "end": "16:00"});
        }
        if message {
            data["message_id"] = json!("01938f6e-9d3b-7c4f-8a21-3b5c7d9e1f20");
        }
        ("VisitEventData", data)
    };
    match event {
        EventType::VisitRequested => visit("requested", 0, false, "visitor", false),
        EventType::VisitBooked => visit("booked", 1, true, "staff", false),
        EventType::VisitRejected => visit("rejected", 1, false, "staff", false),
        EventType::VisitWithdrawn => visit("withdrawn", 1, false, "visitor", false),
        EventType::VisitCancelled => visit("cancelled", 2, true, "staff", true),
        EventType::VisitMessaged => visit("booked", 1, true, "staff", true),
        EventType::VisitWaiting => visit("waiting", 0, false, "visitor", false),
        EventType::VisitExpired => visit("expired", 1, false, "system", false),
        EventType::TimetableChanged => ("TimetableEventData", json!({"prison_id": PRISON, "version": 7})),
        EventType::RollUpdated => ("RollEventData", json!({"prison_id": PRISON, "prisoners": 412})),
    }
}

fn header(name: &str, description: &str, example: &str) -> Value {
    json!({"name": name, "in": "header", "required": true, "description": description,
        "schema": {"type": "string"}, "example": example})
}

/// The `webhooks` object.
pub fn webhooks() -> Value {
    let mut all = serde_json::Map::new();
    for event in EventType::ALL {
        let name = event.as_str();
        let (schema, example_data) = data(event);
        let payload = json!({
            "type": "object",
            "required": ["type", "version", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "const": name},
                "version": {"type": "integer", "const": domain::events::PAYLOAD_VERSION,
                    "description": "The payload's version; fields may be added within a version, never removed"},
                "timestamp": {"type": "string", "format": "date-time", "description": "When the change happened"},
                "data": {"$ref": format!("#/components/schemas/{schema}")},
            }
        });
        let example = json!({"type": name, "version": domain::events::PAYLOAD_VERSION,
            "timestamp": "2026-12-01T10:15:00.000Z", "data": example_data});
        all.insert(
            name.to_owned(),
            json!({"post": {
                "tags": ["webhooks"],
                "operationId": format!("webhook_{}", name.replace('.', "_")),
                "summary": summary(event),
                "description": "POSTed to each enabled subscription of the prison that chose this type, signed per \
Standard Webhooks. Delivery is at least once: a receiver drops a `webhook-id` it has seen. Per subscription and visit \
(per prison for events without a visit) events come in the order they happened; the next waits while one is \
undelivered. Anything but a 2xx within 5 seconds is retried (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 10 h, 14 h, \
20 h: about three days); redirects are not followed. The change feed (`GET /api/v1/prisons/{prison_id}/changes`) has \
every event too.",
                "parameters": [
                    header("webhook-id", "The event's id: the same on every retry and in the change feed",
                        "01938f6e-8c2a-7b3e-9f10-2a4b6c8d0e1f"),
                    header("webhook-timestamp", "When this try was sent, in Unix seconds; refuse it when far from now",
                        "1764584100"),
                    header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` \
keyed with the base64-decoded part of the secret after `whsec_`. After a rotation, two signatures separated by a space \
(new secret, then old) for 24 hours: accept the request when one matches.",
                        "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": payload, "example": example}}},
                "responses": {"2XX": {"description": "Received. Answer quickly; anything else is a failure and retried"}},
            }}),
        );
    }
    Value::Object(all)
}

/// Adds the `webhooks` section to the document.
pub fn add(spec: &mut Spec) {
    let extensions = spec.extensions.get_or_insert_with(Default::default);
    // `Extensions` is a map written at the document's top level: the one place utoipa lets a field it does not
    // model through. The key is the specification's own field, not an `x-` extension.
    extensions.insert("webhooks".to_owned(), webhooks());
}
