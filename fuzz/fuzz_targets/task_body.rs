//! The task body parser (crates/api-actix/src/wire/task_input.rs) on any JSON
//! object: POST/PUT, PATCH, `…/complete` and `…/move` bodies. Every error
//! names a field that was sent (or the required `title`), whatever a full
//! body accepts a patch accepts with the same values, and accepted text and
//! labels obey the domain's rules.
#![no_main]

use api_actix::wire::task_input::{self, EDITABLE_FIELDS, MOVE_FIELDS};
use domain::Placement;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fn no_control(s: &str, allowed: &[char]) -> bool {
    s.chars().all(|c| !c.is_control() || allowed.contains(&c))
}

fn check_errors(object: &Map<String, Value>, errors: &[api_actix::http::problem::FieldError]) {
    assert!(!errors.is_empty());
    for error in errors {
        assert!(
            object.contains_key(&error.field) || error.field == "title",
            "{error:?} names a field that was not sent"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let fields = task_input::task_fields(&object);
    let patch = task_input::task_patch(&object);
    match (&fields, &patch) {
        (Ok((fields, location)), Ok(patch)) => {
            let title = fields.title.as_str();
            assert_eq!(
                patch.title.as_ref().map(|t| t.as_str()),
                object.get("title").map(|_| title)
            );
            assert_eq!(title, title.trim());
            assert!((1..=200).contains(&title.chars().count()));
            assert!(no_control(title, &[]));
            if let Some(d) = &fields.description {
                assert!(d.as_str().chars().count() <= 4000);
                assert!(no_control(d.as_str(), &['\n', '\r', '\t']));
            }
            let labels = fields.labels.as_slice();
            assert!(labels.len() <= 20);
            assert!(labels.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
            if object.contains_key("labels") {
                assert_eq!(patch.labels.as_ref(), Some(&fields.labels));
            }
            assert_eq!(patch.list_id, location.list_id);
            if object.contains_key("parent_id") {
                assert_eq!(patch.parent_id, Some(location.parent_id));
            } else {
                assert_eq!(location.parent_id, None);
            }
            if object.contains_key("description") {
                assert_eq!(patch.description.as_ref(), Some(&fields.description));
            }
            if object.contains_key("priority") {
                assert_eq!(patch.priority, Some(fields.priority));
            }
            if object.contains_key("due_at") {
                assert_eq!(patch.due_at, Some(fields.due_at));
            }
            if object.contains_key("completed") {
                assert_eq!(patch.completed, Some(fields.completed));
            }
        }
        (Ok(_), Err(errors)) => panic!("a full body is accepted but not as a patch: {errors:?}"),
        (Err(errors), _) => check_errors(&object, errors),
    }
    if let Err(errors) = &patch {
        check_errors(&object, errors);
        assert!(errors.iter().all(|e| object.contains_key(&e.field)));
    }
    // A full body differs from a patch only in requiring the title.
    assert_eq!(
        fields.is_ok(),
        patch.is_ok() && object.contains_key("title")
    );
    if object
        .keys()
        .any(|k| !EDITABLE_FIELDS.contains(&k.as_str()))
    {
        assert!(patch.is_err());
    }
    match task_input::completion_change(Some(&object)) {
        Ok(_) => assert!(object.keys().all(|k| k == "completed")),
        Err(errors) => check_errors(&object, &errors),
    }
    match task_input::task_move(&object) {
        Ok(to) => {
            assert!(object.keys().all(|k| MOVE_FIELDS.contains(&k.as_str())));
            let anchor = match to.placement {
                Placement::End => None,
                Placement::Before(_) => Some("before"),
                Placement::After(_) => Some("after"),
            };
            for key in ["before", "after"] {
                assert_eq!(object.contains_key(key), anchor == Some(key));
            }
            // Where a patch and a move both accept the body, they agree.
            if let Ok(patch) = &patch {
                assert_eq!(patch.list_id, to.list_id);
                assert_eq!(patch.parent_id, to.parent_id);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|e| object.contains_key(&e.field)));
        }
    }
});
