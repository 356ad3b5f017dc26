//! Serves the OpenAPI document.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::openapi::ApiDoc;
use crate::problem::Problem;

/// Generated once: the document never changes while the process runs.
static DOCUMENT: LazyLock<Result<String, String>> =
    LazyLock::new(|| ApiDoc::openapi().to_json().map_err(|e| e.to_string()));

/// This document: OpenAPI 3.1, generated from the handlers and wire types.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = serde_json::Value))
)]
pub async fn openapi_json() -> Result<HttpResponse, Problem> {
    match &*DOCUMENT {
        Ok(json) => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(json.clone())),
        Err(error) => {
            tracing::error!(%error, "could not serialize the OpenAPI document");
            Err(Problem::internal())
        }
    }
}
