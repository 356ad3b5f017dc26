//! The OpenAPI document, built here and only here: the handlers'
//! `#[utoipa::path]` attributes (`routes`), the wire types (`wire`), the
//! reusable error responses (`http::error_responses`), and the rules
//! utoipa's attributes cannot state, written in after generation. Served
//! at `/api/openapi.json` (through [`json`]) and printed by `todo-api
//! openapi`. A test checks that it lists exactly the routes the app serves.

use std::sync::LazyLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::AnyOfBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::http::error_responses::{
    BadRequest, Conflict, Forbidden, HeadersTooLarge, InternalError, NotAcceptable, NotFound,
    PayloadTooLarge, PreconditionFailed, ResyncRequired, ServiceUnavailable, TooManyRequests,
    Unauthorized, UnsupportedMediaType, UriTooLong, ValidationFailed,
};
use crate::http::problem::{FieldError, ProblemDocument};
use crate::routes::{
    batch, changes, completions, events, health, labels, lists, openapi_json, preferences, tasks,
    trash,
};
use crate::wire::batch::{BatchDoc, BatchOpDoc, BatchOperationDoc, BatchResultDto};
use crate::wire::changes::{ChangeDataDto, ChangeDto, ChangeEntityDoc, ChangeOpDoc, ChangePageDto};
use crate::wire::completions::CompletionDto;
use crate::wire::cursor::MAX_CURSOR_CHARS;
use crate::wire::dto::{
    ColorDto, CompletionDoc, PriorityDto, RecurrenceBasisDto, StatusDto, SubtaskCountsDto, TaskDto,
    TaskInputDoc, TaskMoveDoc, TaskPatchDoc,
};
use crate::wire::labels::{LabelDto, LabelInputDoc, LabelPatchDoc};
use crate::wire::list_query::{SortKeyDoc, SortOrderDoc, StatusFilterDoc, TaskViewDoc};
use crate::wire::lists::{ListDto, ListInputDoc, ListMoveDoc, ListPatchDoc};
use crate::wire::preferences::{PreferencesDto, PreferencesInputDoc, WeekStartDto};
use crate::wire::restore::RestoredDto;
use crate::wire::trash::{TrashItemDto, TrashKindDto};

/// What `str::trim` removes (Unicode `White_Space`), as a regex class body.
const WHITE_SPACE: &str =
    r"\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Control characters (Unicode `Cc`), as a regex class body.
const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";
/// Control characters and white space.
const CONTROL_OR_SPACE: &str =
    r"\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// A trimmed text field (`title`, the search term): at least
/// one character that is neither white space nor a control character, no
/// control character inside, white space of any kind around (it is
/// trimmed). Patterns use only `\uXXXX` escapes and classes, so ECMA-262
/// (with or without the `u` flag), Python and Rust regex engines read them
/// alike.
pub fn trimmed_text_pattern() -> String {
    format!(
        "^[{WHITE_SPACE}]*[^{CONTROL_OR_SPACE}](?:[^{CONTROL}]*[^{CONTROL_OR_SPACE}])?[{WHITE_SPACE}]*$"
    )
}

/// A description: no control characters other than `\t`, `\n` and `\r`.
pub const DESCRIPTION_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// A query parameter with the rules of [`trimmed_text_pattern`], or empty
/// (an empty value counts as absent).
pub fn optional_trimmed_text_pattern() -> String {
    let inner = trimmed_text_pattern();
    let inner = inner.trim_start_matches('^').trim_end_matches('$');
    format!("^(?:{inner})?$")
}

/// The pagination cursor: base64url without padding.
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]*$";

/// A UUID in its canonical (hyphenated) text form, either case.
pub const UUID_PATTERN: &str =
    "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";

/// The `parent_id` filter: `none` (top-level tasks), a task id, or empty
/// (absent).
pub fn parent_filter_pattern() -> String {
    format!("^(?:none|{UUID_PATTERN})?$")
}

/// A task's `position`: a fractional-index key, base-62 digits after a
/// letter that encodes the length of its integer part (`domain::Position`
/// holds the exact rules).
pub const POSITION_PATTERN: &str = "^[A-Za-z][0-9A-Za-z]*$";

/// `If-Match` / `If-None-Match`: `*`, or a comma-separated list of entity
/// tags (`"3"`, `W/"3"`) of visible ASCII (RFC 9110 §8.8.3), empty list
/// elements and spaces or tabs around them allowed.
pub const ENTITY_TAGS_PATTERN: &str =
    r#"^(?:[ \t]*\*[ \t]*|[ \t,]*(?:W/)?"[!#-~]*"(?:[ \t]*,[ \t,]*(?:W/)?"[!#-~]*")*[ \t,]*)$"#;

/// `Last-Event-ID`: a `seq`, digits only (empty counts as absent).
pub const LAST_EVENT_ID_PATTERN: &str = "^[0-9]{0,19}$";

/// The `ETag` of a task: its version, a positive integer, in quotes.
pub const ETAG_PATTERN: &str = r#"^"[1-9][0-9]*"$"#;

/// The `Link` header of a listing: the next page's relative URL.
pub const LINK_PATTERN: &str = r#"^<[^<>]+>; rel="next"$"#;

fn string_rule(schema: Option<&mut RefOr<Schema>>, pattern: &str, max_length: Option<usize>) {
    if let Some(RefOr::T(Schema::Object(object))) = schema {
        object.pattern = Some(pattern.to_owned());
        if max_length.is_some() {
            object.max_length = max_length;
        }
    }
}

/// An array whose items must differ (label ids: the parsers refuse a
/// repeat in a body; the listing's `label` filter is documented alike).
fn unique_items(schema: Option<&mut RefOr<Schema>>) {
    if let Some(RefOr::T(Schema::Array(array))) = schema {
        array.unique_items = true;
    }
}

/// The rules utoipa's attributes cannot state from one constant: patterns
/// of the text fields, parameters and headers, written into the document
/// after it is generated.
struct TextRules;

impl TextRules {
    fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
        openapi.paths.paths.values_mut().flat_map(|item| {
            [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ]
            .into_iter()
            .flatten()
        })
    }
}

impl Modify for TextRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let trimmed = trimmed_text_pattern();
        let optional_trimmed = optional_trimmed_text_pattern();
        let parent_filter = parent_filter_pattern();
        if let Some(components) = openapi.components.as_mut() {
            for name in [
                "Task",
                "TaskInput",
                "TaskPatch",
                "List",
                "ListInput",
                "ListPatch",
                "Label",
                "LabelInput",
                "LabelPatch",
            ] {
                let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name)
                else {
                    continue;
                };
                string_rule(object.properties.get_mut("title"), &trimmed, None);
                string_rule(object.properties.get_mut("name"), &trimmed, None);
                string_rule(
                    object.properties.get_mut("description"),
                    DESCRIPTION_PATTERN,
                    None,
                );
                string_rule(
                    object.properties.get_mut("position"),
                    POSITION_PATTERN,
                    None,
                );
                unique_items(object.properties.get_mut("labels"));
            }
        }
        for operation in Self::operations(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                let schema = parameter.schema.as_mut();
                match parameter.name.as_str() {
                    "q" => string_rule(schema, &optional_trimmed, None),
                    "parent_id" => string_rule(schema, &parent_filter, None),
                    "label" => unique_items(schema),
                    "cursor" => string_rule(schema, CURSOR_PATTERN, Some(MAX_CURSOR_CHARS)),
                    "If-Match" | "If-None-Match" => string_rule(schema, ENTITY_TAGS_PATTERN, None),
                    "Last-Event-ID" => string_rule(schema, LAST_EVENT_ID_PATTERN, None),
                    _ => {}
                }
            }
            for response in operation.responses.responses.values_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                for (name, header) in response.headers.iter_mut() {
                    let RefOr::T(header) = header else { continue };
                    let pattern = match name.as_str() {
                        "ETag" => ETAG_PATTERN,
                        "Link" => LINK_PATTERN,
                        _ => continue,
                    };
                    string_rule(header.schema.as_mut(), pattern, None);
                }
            }
        }
    }
}

/// An `Idempotency-Key` header: a structured-field string (`"…"`, with
/// `\"` and `\\` escapes) or a bare token, of 1 to 255 visible ASCII
/// characters.
pub const IDEMPOTENCY_KEY_PATTERN: &str =
    r#"^[ \t]*(?:"(?:[!#-\[\]-~]|\\["\\]){1,255}"|[!#-~]{1,255})[ \t]*$"#;

const IDEMPOTENCY_KEY_DOC: &str = "Optional (IETF httpapi idempotency-key draft): a key of 1–255 \
    visible ASCII characters, quoted (`\"8e03978e-40d5…\"`) or bare; anything else is 400 (after \
    authentication). The first request with a key runs; a repeat with the same key and the same \
    request (method, path, query, Content-Type, body) within 24 hours gets the first answer back \
    (status, body bytes, Content-Type, Location, ETag, Link, Cache-Control) with \
    `Idempotent-Replayed: true`, without a second write. The same key with another request is 422 \
    (`urn:todo-api:problem:idempotency-key-reused`); a repeat while the first is still running is 409 \
    (`urn:todo-api:problem:idempotency-key-in-use`, `Retry-After: 1`). Answers with a 5xx or 429 \
    status are not kept, so a retry runs. Keys are per user.";

/// Every POST under a user accepts `Idempotency-Key` (`http/idempotency.rs`
/// applies to all of them), which can answer 409 and 422.
struct IdempotencyKeys;

impl Modify for IdempotencyKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        for (path, item) in &mut openapi.paths.paths {
            if !path.starts_with("/api/{user_id}/") {
                continue;
            }
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            let parameter = ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(IDEMPOTENCY_KEY_DOC))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(IDEMPOTENCY_KEY_PATTERN)),
                ))
                .build();
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(RefOr::T(parameter));
            for (status, name) in [("409", "Conflict"), ("422", "ValidationFailed")] {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(utoipa::openapi::Ref::from_response_name(name)));
            }
        }
    }
}

/// 414 and 431 can answer any request (`http/limits.rs`, the app's first
/// middleware), so every operation lists them.
struct RequestSizeResponses;

impl Modify for RequestSizeResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in TextRules::operations(openapi) {
            for (status, name) in [("414", "UriTooLong"), ("431", "HeadersTooLarge")] {
                operation.responses.responses.insert(
                    status.to_owned(),
                    RefOr::Ref(utoipa::openapi::Ref::from_response_name(name)),
                );
            }
        }
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT issued by Better Auth for this app (audience `todo-api`); `sub` is the user id.",
                    ))
                    .build(),
            ),
        );
    }
}

/// utoipa marks every request body required; those of `…/complete` and
/// `…/move` are not.
struct OptionalBodies;

impl Modify for OptionalBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for path in [
            "/api/{user_id}/tasks/{id}/complete",
            "/api/{user_id}/lists/{list_id}/move",
        ] {
            let body = openapi
                .paths
                .paths
                .get_mut(path)
                .and_then(|item| item.patch.as_mut().or(item.post.as_mut()))
                .and_then(|op| op.request_body.as_mut());
            if let Some(RefOr::T(body)) = body {
                body.required = Some(utoipa::openapi::Required::False);
            }
        }
    }
}

/// utoipa writes an untagged enum as `oneOf`, but a List object also
/// satisfies the Label schema (which allows further properties), so a
/// change's `data` is `anyOf` its kinds (Task, List, Label, Preferences,
/// Completion); `entity` says which it is.
struct ChangeDataAnyOf;

impl Modify for ChangeDataAnyOf {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("ChangeData") else {
            return;
        };
        let mut any_of = AnyOfBuilder::new().description(one_of.description.clone());
        for item in std::mem::take(&mut one_of.items) {
            any_of = any_of.item(item);
        }
        components.schemas.insert(
            "ChangeData".to_owned(),
            RefOr::T(Schema::AnyOf(any_of.build())),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "todo-api",
        description = "Tasks of Better Auth's users. Every error is application/problem+json (RFC 9457), \
            except three that the HTTP layer answers before the API sees the request, with an empty body, \
            closing the connection: 400 for a request line or header it cannot parse, 408 for a request head \
            that arrives too slowly, 431 for a request head over 128 KiB or with more than 96 headers. \
            Size limits are checked first (414 for a long target or query string, 431 for large headers); \
            then, in this order: 429 (client address out of failed authentications; the token is not \
            looked at), 401, 429 (user over their rate), 403, 400, 413/415, 408 (body too slow; the \
            connection is closed), 400 (body), 422, 404, 409/412, 503. A list, parent or label id \
            that is not the caller's is 422 naming the field, the same whether it exists or not. \
            Rate limits: per user on the task, list, label and preferences routes, \
            per client address on failed authentication; see RateLimit-Policy and RateLimit. \
            Dates: every instant is RFC 3339 and answered in UTC; \"today\", all-day due dates \
            (`due_all_day`), recurrences and the date views of the task listing (`view`) are read in the \
            user's time zone (`GET|PUT /api/{user_id}/preferences`, UTC until set), so a daily 09:00 task \
            stays at 09:00 local across daylight-saving changes.",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        tasks::list,
        tasks::create,
        tasks::get,
        tasks::replace,
        tasks::patch,
        tasks::complete,
        tasks::move_task,
        tasks::delete,
        completions::list,
        preferences::get,
        preferences::put,
        health::healthz,
        health::readyz,
        lists::list,
        lists::create,
        lists::get,
        lists::patch,
        lists::delete,
        lists::move_list,
        labels::list,
        labels::create,
        labels::get,
        labels::patch,
        labels::delete,
        batch::batch,
        trash::list,
        trash::restore,
        trash::delete,
        trash::empty,
        crate::routes::transfer::export,
        crate::routes::transfer::import,
        changes::list,
        events::stream,
        openapi_json::openapi_json,
    ),
    components(
        schemas(
            TaskDto, TaskInputDoc, TaskPatchDoc, TaskMoveDoc, CompletionDoc, PriorityDto,
            SubtaskCountsDto, StatusDto, ProblemDocument, FieldError, StatusFilterDoc, SortKeyDoc,
            SortOrderDoc, ColorDto, ListDto, ListInputDoc, ListPatchDoc, ListMoveDoc, LabelDto,
            LabelInputDoc, LabelPatchDoc, ChangeDto, ChangePageDto, ChangeDataDto, ChangeEntityDoc,
            ChangeOpDoc, RecurrenceBasisDto, TaskViewDoc, CompletionDto, PreferencesDto,
            PreferencesInputDoc, WeekStartDto, TrashItemDto, TrashKindDto, RestoredDto,
            trash::EmptiedTrashDto, BatchDoc, BatchOperationDoc, BatchOpDoc, BatchResultDto,
            crate::wire::import_report::ImportReportDto, crate::wire::import_report::ImportCountsDto,
            crate::wire::import_report::ReportLineDto, crate::wire::export_json::ExportDocument,
            crate::wire::export_json::ExportListDto, crate::wire::export_json::ExportLabelDto,
            crate::wire::export_json::ExportTaskDto, crate::wire::export_json::ExportCompletionDto
        ),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed, PayloadTooLarge,
            UnsupportedMediaType, ValidationFailed, ServiceUnavailable, InternalError, UriTooLong,
            HeadersTooLarge, TooManyRequests, Conflict, ResyncRequired, NotAcceptable
        )
    ),
    modifiers(
        &BearerAuth,
        &OptionalBodies,
        &TextRules,
        &RequestSizeResponses,
        &IdempotencyKeys,
        &ChangeDataAnyOf
    ),
    tags(
        (name = "tasks", description = "The caller's tasks."),
        (name = "lists", description = "The caller's lists (projects), the Inbox first."),
        (name = "labels", description = "The caller's labels."),
        (name = "trash", description = "Deleted tasks and lists, restorable for 30 days, then purged."),
        (name = "transfer", description = "Export of everything the caller owns (JSON or CSV, streamed) and import of an export or a Todoist project CSV."),
        (name = "preferences", description = "The caller's time zone and week start, in which dates are read."),
        (name = "changes", description = "The caller's change feed: every change to their tasks, lists, \
            labels, preferences and completions, numbered by `seq`, polled (`…/changes`) or pushed \
            (`…/events`)."),
        (name = "health", description = "Probes."),
        (name = "meta", description = "This document."),
    )
)]
pub struct ApiDoc;

/// Generated once: the document never changes while the process runs.
static DOCUMENT: LazyLock<Result<String, String>> =
    LazyLock::new(|| ApiDoc::openapi().to_json().map_err(|e| e.to_string()));

/// The document as served, compact JSON; or why it could not be
/// serialized.
///
/// # Errors
/// The serializer's message (never seen: the document is plain data).
pub fn json() -> Result<&'static str, &'static str> {
    DOCUMENT.as_deref().map_err(String::as_str)
}
