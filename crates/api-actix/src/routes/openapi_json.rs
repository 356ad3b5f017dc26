//! Serves the OpenAPI document.

use actix_web::{HttpResponse, web};

use crate::http::problem::Problem;

/// Where this route gets the document: `openapi::json`, handed in by the
/// app (`app.rs`). Not imported here, because the document is built from
/// the routes, this one included.
#[derive(Debug, Clone, Copy)]
pub struct Document(pub fn() -> Result<&'static str, &'static str>);

/// This document: OpenAPI 3.1, generated from the handlers and wire types.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = serde_json::Value))
)]
pub async fn openapi_json(document: web::Data<Document>) -> Result<HttpResponse, Problem> {
    match (document.0)() {
        Ok(json) => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(json)),
        Err(error) => {
            tracing::error!(%error, "could not serialize the OpenAPI document");
            Err(Problem::internal())
        }
    }
}
