//! The life of a visit: its states, who moves it between them, and which moves are allowed.

use serde::{Deserialize, Serialize};

/// Where a visit is in its life. `requested` -> `booked` | `rejected` | `withdrawn`; `booked` -> `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    Requested,
    Booked,
    Rejected,
    Withdrawn,
    Cancelled,
}

impl VisitState {
    pub const ALL: [VisitState; 5] =
        [VisitState::Requested, VisitState::Booked, VisitState::Rejected, VisitState::Withdrawn, VisitState::Cancelled];

    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitState::Requested => "requested",
            VisitState::Booked => "booked",
            VisitState::Rejected => "rejected",
            VisitState::Withdrawn => "withdrawn",
            VisitState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<VisitState> {
        VisitState::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// Whether a visit may move from this state to `to`.
    pub fn can_become(self, to: VisitState) -> bool {
        use VisitState::*;
        matches!((self, to), (Requested, Booked) | (Requested, Rejected) | (Requested, Withdrawn) | (Booked, Cancelled))
    }

    /// No further change is possible.
    pub fn is_final(self) -> bool {
        VisitState::ALL.into_iter().all(|to| !self.can_become(to))
    }
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The visitor, through the private link.
    Visitor,
    /// A member of prison staff.
    Staff,
    /// Another system calling the API.
    Integrator,
    /// The service itself (for example instant booking).
    System,
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Visitor, Actor::Staff, Actor::Integrator, Actor::System];

    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Visitor => "visitor",
            Actor::Staff => "staff",
            Actor::Integrator => "integrator",
            Actor::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Actor> {
        Actor::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        use VisitState::*;
        let allowed: Vec<(VisitState, VisitState)> = VisitState::ALL
            .into_iter()
            .flat_map(|from| VisitState::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.can_become(*to))
            .collect();
        assert_eq!(
            allowed,
            vec![(Requested, Booked), (Requested, Rejected), (Requested, Withdrawn), (Booked, Cancelled)]
        );
        assert!(Rejected.is_final() && Withdrawn.is_final() && Cancelled.is_final());
        assert!(!Requested.is_final() && !Booked.is_final());
    }

    #[test]
    fn states_round_trip_through_their_wire_names() {
        for state in VisitState::ALL {
            assert_eq!(VisitState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state.as_str()));
        }
        assert_eq!(VisitState::parse("REQUESTED"), None);
    }
}
