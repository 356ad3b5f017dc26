//! Export and import: `GET …/export?format=json|csv` streams everything
//! the caller owns page by page (bounded memory whatever the size);
//! `POST …/import` reads this API's JSON export or a Todoist project CSV
//! (up to [`MAX_IMPORT_BYTES`]), checks all of it, then writes it in one
//! transaction through the `TransferRepo` port. Checks in the contract's
//! order (401 → 403 → 400 → 413/415 → 422 → 409 → 503).

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use domain::{Depth, ImportPlan, ImportReport, LabelId, ListName, ReportLine, TaskId, UserId};
use futures_util::StreamExt;
use ports::{ExportHead, TransferRepo};

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{ApiErrors, BodyErrors, ConflictErrors};
use crate::http::limits::HttpLimits;
use crate::http::problem::{FieldError, Problem, ProblemKind};
use crate::http::request_body::is_json_media_type;
use crate::state::AppState;
use crate::wire::export_csv::{self, Names};
use crate::wire::export_json::{self, ExportDocument};
use crate::wire::import_json::{self, JsonImportError};
use crate::wire::import_report::ImportReportDto;
use crate::wire::todoist_csv::{self, DEFAULT_LIST_NAME};

/// The largest import body: 10 MB (other routes keep their 64 KiB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// Tasks (and completions) per page of an export: about half a megabyte of
/// JSON, the most the export holds in memory at once.
const PAGE: u16 = 1000;

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

fn export_format(query: &str) -> Result<Format, Problem> {
    let mut format = None;
    let mut errors = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "format" if format.is_some() => {
                errors.push(FieldError::new("format", "must be given at most once"));
            }
            "format" => match value.as_ref() {
                "json" | "" => format = Some(Format::Json),
                "csv" => format = Some(Format::Csv),
                _ => errors.push(FieldError::new("format", "must be json or csv")),
            },
            other => errors.push(FieldError::new(other, "is not a known parameter")),
        }
    }
    if errors.is_empty() {
        Ok(format.unwrap_or(Format::Json))
    } else {
        Err(Problem::invalid_query(errors))
    }
}

/// Where a streamed export is.
enum Phase {
    Tasks {
        depth: usize,
        after: Option<TaskId>,
        first: bool,
    },
    Completions {
        after: Option<uuid::Uuid>,
        first: bool,
    },
    Done,
}

struct Export {
    repo: Arc<dyn TransferRepo>,
    owner: UserId,
    format: Format,
    names: Arc<Names>,
    /// Each label's place in the document's `labels`.
    label_order: HashMap<LabelId, usize>,
    phase: Phase,
}

type Chunk = Result<Bytes, std::io::Error>;

fn failed(error: impl std::fmt::Debug) -> std::io::Error {
    // The headers are gone already: the body is cut short (the client sees
    // an incomplete document, which the import refuses), and the log says
    // why.
    tracing::warn!(?error, "export stopped");
    std::io::Error::other("export failed")
}

impl Export {
    /// The next piece of the body, reading the next page when needed.
    async fn next(mut self) -> Option<(Chunk, Self)> {
        let depths: Vec<Depth> = Depth::all().collect();
        loop {
            match self.phase {
                Phase::Done => return None,
                Phase::Tasks { depth, .. } if depth >= depths.len() => {
                    if self.format == Format::Csv {
                        self.phase = Phase::Done;
                        continue;
                    }
                    self.phase = Phase::Completions {
                        after: None,
                        first: true,
                    };
                    return Some((Ok(Bytes::from_static(export_json::BETWEEN)), self));
                }
                Phase::Tasks {
                    depth,
                    after,
                    first,
                } => {
                    let mut page = match self
                        .repo
                        .export_tasks(self.owner, depths[depth], after, PAGE)
                        .await
                    {
                        Ok(page) => page,
                        Err(e) => {
                            self.phase = Phase::Done;
                            return Some((Err(failed(e)), self));
                        }
                    };
                    if page.len() < usize::from(PAGE) {
                        self.phase = Phase::Tasks {
                            depth: depth + 1,
                            after: None,
                            first: first && page.is_empty(),
                        };
                    } else {
                        self.phase = Phase::Tasks {
                            depth,
                            after: page.last().map(|t| t.id),
                            first: false,
                        };
                    }
                    if page.is_empty() {
                        continue;
                    }
                    for task in &mut page {
                        // A task's labels in the document's label order (by
                        // name), not by id: ids are renewed on import, names
                        // are not, so a round trip exports the same order.
                        task.labels
                            .sort_by_key(|l| self.label_order.get(l).copied());
                    }
                    let bytes = match self.format {
                        Format::Json => {
                            let dtos: Vec<export_json::ExportTaskDto> =
                                page.iter().map(Into::into).collect();
                            export_json::elements(&dtos, first).map_err(failed)
                        }
                        Format::Csv => export_csv::rows(&page, &self.names).map_err(failed),
                    };
                    return Some((bytes.map(Bytes::from), self));
                }
                Phase::Completions { after, first } => {
                    let page = match self.repo.export_completions(self.owner, after, PAGE).await {
                        Ok(page) => page,
                        Err(e) => {
                            self.phase = Phase::Done;
                            return Some((Err(failed(e)), self));
                        }
                    };
                    let dtos: Vec<export_json::ExportCompletionDto> =
                        page.iter().map(|(_, c)| c.into()).collect();
                    let body = if page.len() < usize::from(PAGE) {
                        self.phase = Phase::Done;
                        export_json::elements(&dtos, first).map(|mut b| {
                            b.extend_from_slice(export_json::TAIL);
                            b
                        })
                    } else {
                        self.phase = Phase::Completions {
                            after: page.last().map(|(id, _)| *id),
                            first: false,
                        };
                        export_json::elements(&dtos, first)
                    };
                    return Some((body.map(Bytes::from).map_err(failed), self));
                }
            }
        }
    }
}

/// Download everything the caller owns.
///
/// The body is streamed page by page (1000 tasks at a time), so any number
/// of tasks is exported in bounded memory. `format=json` (the default):
/// one document, `{"format":"todo-api-export","version":1,"exported_at",
/// "preferences","lists","labels","tasks","completions"}`, every parent
/// before its subtasks; it is what `POST …/import` reads back. `format=csv`:
/// a header and one row per task (`id, list, parent_id, title,
/// description, priority, due_at, due_all_day, recurrence,
/// recurrence_basis, completed, labels, position, created_at,
/// updated_at`; `list` is the list's name, `labels` the label names
/// joined by `", "`). The trash is not exported. Each page is its own
/// short read, so an export taken while the account keeps changing is not
/// a snapshot of one instant.
#[utoipa::path(
    get,
    path = "/api/{user_id}/export",
    tag = "transfer",
    operation_id = "export_account",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`; anything else is 400."),
    ),
    responses(
        (status = 200, description = "The export, as an attachment (`Content-Disposition: attachment; filename=\"todo-export-<date>.json|csv\"`).",
            content(
                (ExportDocument = "application/json"),
                (String = "text/csv"),
            )),
        ApiErrors,
    )
)]
pub async fn export(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let format = export_format(req.query_string())?;
    let ExportHead {
        preferences,
        lists,
        labels,
    } = state.transfer.export_head(owner).await?;
    let now = Utc::now();
    let head = match format {
        Format::Json => export_json::head(now, &preferences.unwrap_or_default(), &lists, &labels)
            .map_err(|e| {
            tracing::error!(error = %e, "export head not written");
            Problem::internal()
        })?,
        Format::Csv => export_csv::header().map_err(|e| {
            tracing::error!(error = %e, "export header not written");
            Problem::internal()
        })?,
    };
    let names = Names {
        lists: lists
            .iter()
            .map(|l| (l.id, l.name.as_str().to_owned()))
            .collect(),
        labels: labels
            .iter()
            .map(|l| (l.id, l.name.as_str().to_owned()))
            .collect(),
    };
    let export = Export {
        repo: Arc::clone(&state.transfer),
        owner,
        format,
        names: Arc::new(names),
        label_order: labels.iter().enumerate().map(|(i, l)| (l.id, i)).collect(),
        phase: Phase::Tasks {
            depth: 0,
            after: None,
            first: true,
        },
    };
    let rest = futures_util::stream::unfold(export, Export::next);
    let body =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) })
            .chain(rest);
    let (content_type, ext) = match format {
        Format::Json => ("application/json", "json"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let filename = format!("todo-export-{}.{ext}", now.format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Csv,
}

fn too_large() -> Problem {
    Problem::new(
        ProblemKind::PayloadTooLarge,
        format!("An import must be at most {MAX_IMPORT_BYTES} bytes."),
    )
}

fn is_csv_media_type(value: &str) -> bool {
    let Ok(mime) = value.parse::<actix_web::mime::Mime>() else {
        return false;
    };
    mime.type_() == actix_web::mime::TEXT
        && mime.subtype() == "csv"
        && mime
            .get_param(actix_web::mime::CHARSET)
            .is_none_or(|c| c.as_str().eq_ignore_ascii_case("utf-8"))
}

fn import_kind(req: &HttpRequest) -> Result<Kind, Problem> {
    let headers = req.headers();
    if let Some(coding) = headers.get(header::CONTENT_ENCODING)
        && !coding
            .to_str()
            .is_ok_and(|c| c.trim().eq_ignore_ascii_case("identity"))
    {
        return Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            "Compressed request bodies are not accepted.",
        ));
    }
    match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) if is_json_media_type(v) => Ok(Kind::Json),
        Some(v) if is_csv_media_type(v) => Ok(Kind::Csv),
        _ => Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            "An import must be application/json (this API's export) or text/csv (a Todoist \
             project CSV), in UTF-8.",
        )),
    }
}

fn list_name(query: &str) -> Result<ListName, Problem> {
    let mut name = None;
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "list_name" if name.is_some() => {
                errors.push(FieldError::new("list_name", "must be given at most once"));
            }
            "list_name" => match ListName::parse(&value) {
                Ok(n) => name = Some(n),
                Err(e) => errors.push(FieldError::new("list_name", e.to_string())),
            },
            other => errors.push(FieldError::new(other, "is not a known parameter")),
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid_query(errors));
    }
    match name {
        Some(n) => Ok(n),
        None => ListName::parse(DEFAULT_LIST_NAME).map_err(|_| Problem::internal()),
    }
}

async fn read_body(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, Problem> {
    let limits = HttpLimits::of(req)?;
    let read = async {
        let mut body = Vec::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|error| {
                tracing::debug!(%error, "could not read the import body");
                Problem::new(
                    ProblemKind::MalformedBody,
                    "The request body could not be read.",
                )
            })?;
            if body.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    match actix_web::rt::time::timeout(limits.body_timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(Problem::new(
            ProblemKind::RequestTimeout,
            format!(
                "The request body did not arrive within {} ms.",
                limits.body_timeout.as_millis()
            ),
        )),
    }
}

/// Import this API's JSON export or a Todoist project CSV.
///
/// `Content-Type: application/json`: an export of this API (`format`
/// `todo-api-export`, `version` 1; anything else is 422). `text/csv`:
/// Todoist's project template (`TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,
/// AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,…`): tasks before the first
/// `section` row go to the list `list_name` (default `Todoist import`),
/// each `section` starts a list of its name, `INDENT` n makes a subtask of
/// the last task at n-1 (too deep: attached at the deepest level, with a
/// warning), `PRIORITY` 1 → high, 2 → medium, 3 → low, 4 → medium, `DATE`
/// an ISO date → all-day, an ISO date-time → timed (in `TIMEZONE` or the
/// caller's zone), `every …` → a recurrence where the quick-add grammar
/// can say it, anything else → no date and a warning; `note` rows are
/// appended to the previous task's description; the other columns are
/// ignored. Other content types are 415; over 10 MB is 413.
///
/// Everything is checked first (all problems reported at once, 422), then
/// written in one transaction: all or nothing. Lists and labels merge into
/// the caller's of the same name (ignoring case; the Inbox into the
/// Inbox); tasks are always new (new ids); positions are kept where the
/// import creates all the siblings (a JSON export imported into an empty
/// account reproduces it), else imported tasks go after the existing ones
/// in order; preferences are applied only when the caller has none stored.
#[utoipa::path(
    post,
    path = "/api/{user_id}/import",
    tag = "transfer",
    operation_id = "import_account",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("list_name" = Option<String>, Query, description = "CSV only: the list for the tasks before the first section (default `Todoist import`)."),
    ),
    request_body(
        description = "This API's JSON export, or a Todoist project CSV; at most 10 MB.",
        content(
            (ExportDocument = "application/json"),
            (String = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Imported: what was created, and each row or member skipped or changed (CSV: `line`; JSON: `pointer`).", body = ImportReportDto),
        ApiErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn import(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let default_list = list_name(req.query_string())?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_IMPORT_BYTES as u64) {
        return Err(too_large());
    }
    let kind = import_kind(&req)?;
    let body = read_body(&req, payload).await?;
    let (plan, skipped, warnings): (ImportPlan, Vec<ReportLine>, Vec<ReportLine>) = match kind {
        Kind::Json => match import_json::plan(&body) {
            Ok(plan) => (plan, Vec::new(), Vec::new()),
            Err(JsonImportError::Syntax(detail)) => {
                return Err(Problem::new(ProblemKind::MalformedBody, detail));
            }
            Err(JsonImportError::Invalid(errors)) => return Err(Problem::validation(errors)),
        },
        Kind::Csv => {
            let zone = state.preferences.get(owner).await?.preferences.time_zone;
            match todoist_csv::plan(&body, default_list, zone, Utc::now()) {
                Ok(out) => (out.plan, out.skipped, out.warnings),
                Err(e) => return Err(Problem::validation(vec![FieldError::new("body", e.0)])),
            }
        }
    };
    let problems = plan.problems();
    if !problems.is_empty() {
        // The parsers build consistent plans; this is the last line of
        // defence, never a partial write.
        let errors = problems
            .into_iter()
            .map(|p| FieldError::new(p.field, p.reason))
            .collect();
        return Err(Problem::validation(errors));
    }
    let created = state.transfer.import(owner, plan).await?;
    let report = ImportReport {
        created,
        skipped,
        warnings,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ImportReportDto::from(&report)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_formats() {
        assert_eq!(export_format("").ok(), Some(Format::Json));
        assert_eq!(export_format("format=csv").ok(), Some(Format::Csv));
        assert!(export_format("format=xml").is_err());
        assert!(export_format("format=csv&format=json").is_err());
        assert!(export_format("other=1").is_err());
    }

    #[test]
    fn csv_media_types() {
        assert!(is_csv_media_type("text/csv"));
        assert!(is_csv_media_type("text/csv; charset=UTF-8"));
        assert!(!is_csv_media_type("text/csv; charset=latin1"));
        assert!(!is_csv_media_type("text/plain"));
    }
}
