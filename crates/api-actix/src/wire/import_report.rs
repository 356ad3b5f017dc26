//! The answer of `POST …/import`: what was created, and every row or
//! member left out or changed, with where it was.

use domain::{ImportCounts, ImportReport, ReportLine};
use serde::Serialize;
use utoipa::ToSchema;

/// How many of each the import created (lists and labels merged into
/// existing ones of the same name are not counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = ImportCreated)]
pub struct ImportCountsDto {
    pub lists: u32,
    pub labels: u32,
    pub tasks: u32,
    pub completions: u32,
}

/// One row or member left out (`skipped`) or changed (`warnings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = ImportReportLine)]
pub struct ReportLineDto {
    /// The CSV line (1 is the header); `null` for JSON.
    pub line: Option<u32>,
    /// A JSON pointer into the document; `null` for CSV.
    pub pointer: Option<String>,
    pub reason: String,
}

/// The report of a successful import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = ImportReport)]
pub struct ImportReportDto {
    pub created: ImportCountsDto,
    pub skipped: Vec<ReportLineDto>,
    pub warnings: Vec<ReportLineDto>,
}

impl From<ImportCounts> for ImportCountsDto {
    fn from(c: ImportCounts) -> Self {
        Self {
            lists: c.lists,
            labels: c.labels,
            tasks: c.tasks,
            completions: c.completions,
        }
    }
}

impl From<&ReportLine> for ReportLineDto {
    fn from(l: &ReportLine) -> Self {
        Self {
            line: l.line,
            pointer: l.pointer.clone(),
            reason: l.reason.clone(),
        }
    }
}

impl From<&ImportReport> for ImportReportDto {
    fn from(r: &ImportReport) -> Self {
        Self {
            created: r.created.into(),
            skipped: r.skipped.iter().map(Into::into).collect(),
            warnings: r.warnings.iter().map(Into::into).collect(),
        }
    }
}
