//! A user's preferences on the wire: the JSON `GET|PUT …/preferences`
//! send, the body `PUT` accepts (as documented and as parsed). A test keeps
//! the documented request properties identical to the fields the parser
//! accepts.

use domain::{Preferences, TimeZone, WeekStart};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::fields::{self, Fields};
use crate::http::problem::FieldError;

/// The fields of a preferences body: both required.
pub const EDITABLE_FIELDS: [&str; 2] = ["time_zone", "week_start"];

/// The first day of the week in the calendars the web app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = WeekStart)]
pub enum WeekStartDto {
    Monday,
    Sunday,
}

impl From<WeekStart> for WeekStartDto {
    fn from(week_start: WeekStart) -> Self {
        match week_start {
            WeekStart::Monday => Self::Monday,
            WeekStart::Sunday => Self::Sunday,
        }
    }
}

/// The caller's preferences. A user who never stored any has the defaults
/// (`UTC`, `monday`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Preferences)]
pub struct PreferencesDto {
    /// An IANA time zone name, e.g. `Europe/Berlin`. "Today", all-day due
    /// dates and recurrences are read in it.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    pub week_start: WeekStartDto,
}

impl From<&Preferences> for PreferencesDto {
    fn from(preferences: &Preferences) -> Self {
        Self {
            time_zone: preferences.time_zone.name().to_owned(),
            week_start: preferences.week_start.into(),
        }
    }
}

/// The body of `PUT /api/{user_id}/preferences`: both fields, required.
/// Unknown fields are rejected by name (422), as in task bodies.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PreferencesInput)]
pub struct PreferencesInputDoc {
    /// An exact IANA time zone name as browsers report it
    /// (`Intl.DateTimeFormat().resolvedOptions().timeZone`), e.g.
    /// `Europe/Berlin` or `UTC`: case-sensitive, not trimmed. Anything
    /// else, offsets such as `+01:00` included, is 422 naming `time_zone`.
    #[schema(min_length = 1, example = "Europe/Berlin")]
    pub time_zone: String,
    /// `monday` or `sunday`; anything else is 422 naming `week_start`.
    pub week_start: WeekStartDto,
}

fn time_zone(value: &Value) -> Result<TimeZone, String> {
    fields::string(value, TimeZone::parse)
}

fn week_start(value: &Value) -> Result<WeekStart, String> {
    fields::string(value, WeekStart::parse)
}

/// The body of a `PUT`: both fields required.
///
/// # Errors
/// Every missing, invalid or unknown field.
pub fn preferences(object: &Map<String, Value>) -> Result<Preferences, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &[], &[]);
    let zone = f.parse("time_zone", time_zone);
    if zone.is_none() {
        f.fail("time_zone", "is required");
    }
    let week = f.parse("week_start", week_start);
    if week.is_none() {
        f.fail("week_start", "is required");
    }
    let parsed = match (zone.flatten(), week.flatten()) {
        (Some(time_zone), Some(week_start)) => Some(Preferences {
            time_zone,
            week_start,
        }),
        _ => None,
    };
    f.finish(parsed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn both_fields_are_read() {
        let parsed = preferences(&object(
            json!({"time_zone": "Pacific/Kiritimati", "week_start": "sunday"}),
        ))
        .unwrap();
        assert_eq!(parsed.time_zone.name(), "Pacific/Kiritimati");
        assert_eq!(parsed.week_start, WeekStart::Sunday);
        let dto = PreferencesDto::from(&parsed);
        assert_eq!(
            serde_json::to_value(dto).unwrap(),
            json!({"time_zone": "Pacific/Kiritimati", "week_start": "sunday"})
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = preferences(&object(json!({}))).unwrap_err();
        assert_eq!(fields_of(&errors), ["time_zone", "week_start"]);
        assert!(errors.iter().all(|e| e.message == "is required"));
        let errors = preferences(&object(json!({
            "time_zone": "Mars/Olympus", "week_start": "friday", "theme": "dark"
        })))
        .unwrap_err();
        let mut names = fields_of(&errors);
        names.sort_unstable();
        assert_eq!(names, ["theme", "time_zone", "week_start"]);
        for zone in [
            json!("europe/berlin"),
            json!(" UTC"),
            json!("+01:00"),
            json!(""),
            json!(null),
            json!(1),
        ] {
            let errors = preferences(&object(json!({"time_zone": zone, "week_start": "monday"})))
                .unwrap_err();
            assert_eq!(fields_of(&errors), ["time_zone"], "{zone}");
        }
    }
}
