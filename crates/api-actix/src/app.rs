//! The actix application: the route table, and the middleware that logs
//! requests and keeps every error response problem+json. The server and the
//! tests build the app through the same [`build_app`].

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, Error, HttpMessage, HttpResponse, Route, web};
use futures_util::FutureExt;

use crate::config::AppOptions;
use crate::http::idempotency;
use crate::http::limits::HttpLimits;
use crate::http::problem::{PROBLEM_JSON, Problem, generic_problem_response};
use crate::http::rate_limit::Outcome;
use crate::openapi;
use crate::routes::{
    batch, changes, completions, events, health, labels, lists, openapi_json, preferences, tasks,
    trash,
};
use crate::state::AppState;

/// One route: method, path pattern (the same syntax in actix and OpenAPI)
/// and its handler.
#[derive(Debug)]
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    route: fn() -> Route,
}

/// Every route the app serves. The app is built from this table, and a
/// test checks the OpenAPI document against it.
pub fn endpoints() -> Vec<Endpoint> {
    fn e(method: Method, path: &'static str, route: fn() -> Route) -> Endpoint {
        Endpoint {
            method,
            path,
            route,
        }
    }
    const TASKS: &str = "/api/{user_id}/tasks";
    const TASK: &str = "/api/{user_id}/tasks/{id}";
    const COMPLETE: &str = "/api/{user_id}/tasks/{id}/complete";
    const MOVE: &str = "/api/{user_id}/tasks/{id}/move";
    const COMPLETIONS: &str = "/api/{user_id}/tasks/{id}/completions";
    const PREFERENCES: &str = "/api/{user_id}/preferences";
    const LISTS: &str = "/api/{user_id}/lists";
    const LIST: &str = "/api/{user_id}/lists/{list_id}";
    const MOVE_LIST: &str = "/api/{user_id}/lists/{list_id}/move";
    const LABELS: &str = "/api/{user_id}/labels";
    const LABEL: &str = "/api/{user_id}/labels/{label_id}";
    const BATCH: &str = "/api/{user_id}/tasks/batch";
    const TRASH: &str = "/api/{user_id}/trash";
    const TRASH_ITEM: &str = "/api/{user_id}/trash/{id}";
    const RESTORE: &str = "/api/{user_id}/trash/{id}/restore";
    vec![
        e(Method::GET, TASKS, || web::to(tasks::list)),
        e(Method::POST, TASKS, || web::to(tasks::create)),
        // Before `TASK`: resources match in order, and `{id}` would take
        // `batch`.
        e(Method::POST, BATCH, || web::to(batch::batch)),
        e(Method::GET, TASK, || web::to(tasks::get)),
        e(Method::PUT, TASK, || web::to(tasks::replace)),
        e(Method::PATCH, TASK, || web::to(tasks::patch)),
        e(Method::DELETE, TASK, || web::to(tasks::delete)),
        e(Method::PATCH, COMPLETE, || web::to(tasks::complete)),
        e(Method::POST, MOVE, || web::to(tasks::move_task)),
        e(Method::GET, COMPLETIONS, || web::to(completions::list)),
        e(Method::GET, PREFERENCES, || web::to(preferences::get)),
        e(Method::PUT, PREFERENCES, || web::to(preferences::put)),
        e(Method::GET, LISTS, || web::to(lists::list)),
        e(Method::POST, LISTS, || web::to(lists::create)),
        e(Method::GET, LIST, || web::to(lists::get)),
        e(Method::PATCH, LIST, || web::to(lists::patch)),
        e(Method::DELETE, LIST, || web::to(lists::delete)),
        e(Method::POST, MOVE_LIST, || web::to(lists::move_list)),
        e(Method::GET, LABELS, || web::to(labels::list)),
        e(Method::POST, LABELS, || web::to(labels::create)),
        e(Method::GET, LABEL, || web::to(labels::get)),
        e(Method::PATCH, LABEL, || web::to(labels::patch)),
        e(Method::DELETE, LABEL, || web::to(labels::delete)),
        e(Method::GET, TRASH, || web::to(trash::list)),
        e(Method::DELETE, TRASH, || web::to(trash::empty)),
        e(Method::DELETE, TRASH_ITEM, || web::to(trash::delete)),
        e(Method::POST, RESTORE, || web::to(trash::restore)),
        e(Method::GET, "/api/{user_id}/export", || {
            web::to(crate::routes::transfer::export)
        }),
        e(Method::POST, "/api/{user_id}/import", || {
            web::to(crate::routes::transfer::import)
        }),
        e(Method::GET, "/api/{user_id}/changes", || {
            web::to(changes::list)
        }),
        e(Method::GET, "/api/{user_id}/events", || {
            web::to(events::stream)
        }),
        e(Method::GET, "/healthz", || web::to(health::healthz)),
        e(Method::GET, "/readyz", || web::to(health::readyz)),
        e(Method::GET, "/api/openapi.json", || {
            web::to(openapi_json::openapi_json)
        }),
    ]
}

fn resources() -> Vec<
    actix_web::Resource<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = Error,
            InitError = (),
        >,
    >,
> {
    let mut paths: Vec<&'static str> = Vec::new();
    let table = endpoints();
    for endpoint in &table {
        if !paths.contains(&endpoint.path) {
            paths.push(endpoint.path);
        }
    }
    paths
        .into_iter()
        .map(|path| {
            let mut resource = web::resource(path);
            let mut allowed: Vec<String> = Vec::new();
            for endpoint in table.iter().filter(|e| e.path == path) {
                allowed.push(endpoint.method.to_string());
                resource = resource.route((endpoint.route)().method(endpoint.method.clone()));
                // HEAD is GET without the body (RFC 9110 §9.3.2): the same
                // handler and checks; actix-http drops the body and keeps
                // the headers, Content-Length included.
                if endpoint.method == Method::GET {
                    allowed.push(Method::HEAD.to_string());
                    resource = resource.route((endpoint.route)().method(Method::HEAD));
                }
            }
            resource
                .default_service(web::to(move || {
                    let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    let problem = Problem::method_not_allowed(&names);
                    async move { Err::<HttpResponse, _>(problem) }
                }))
                // Every POST under a user, whichever route it is.
                .wrap(from_fn(idempotency::layer))
        })
        .collect()
}

async fn route_not_found() -> Result<HttpResponse, Problem> {
    Err(Problem::route_not_found())
}

/// One log line per request: method, the matched route pattern (never the
/// raw path, which holds ids), status and latency. Headers are not logged,
/// so neither are tokens.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let result = next.call(req).await;
    let elapsed = started.elapsed();
    let latency_ms = format!("{:.3}", elapsed.as_secs_f64() * 1000.0);
    match &result {
        Ok(res) => {
            let route = res.request().match_pattern();
            let route = route.as_deref().unwrap_or("<no route>");
            let status = res.status().as_u16();
            crate::metrics::record_request(method.as_str(), route, status, elapsed);
            if res.status().is_server_error() {
                tracing::warn!(%method, route, status, %latency_ms, "request");
            } else {
                tracing::info!(%method, route, status, %latency_ms, "request");
            }
        }
        Err(error) => tracing::warn!(%method, %error, %latency_ms, "request failed"),
    }
    result
}

/// The request target and header limits ([`HttpLimits::check_head`]),
/// before routing and authentication; the answer is a problem response.
async fn request_limits(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if let Err(problem) = HttpLimits::of(req.request()).and_then(|l| l.check_head(req.request())) {
        tracing::debug!(kind = ?problem.kind(), "request refused by a size limit");
        let res = actix_web::ResponseError::error_response(&problem);
        return Ok(req.into_response(res).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn is_problem(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// Any error response that did not come from a handler as a `Problem`
/// (actix's own answers) is replaced by a problem document with the same
/// status, and a panic in a handler becomes a 500 problem rather than a
/// dropped connection.
async fn problem_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Nothing may hold a clone of the request here: routing needs it
    // unshared. So a panic becomes an `Error`, which actix turns into the
    // problem's response.
    let res = match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(result) => result?,
        Err(_) => {
            tracing::error!("a request handler panicked");
            return Err(Problem::internal().into());
        }
    };
    let mut res = res;
    let outcome = res.request().extensions().get::<Outcome>().cloned();
    if let Some(outcome) = outcome {
        outcome.apply(res.headers_mut());
    }
    let status = res.status();
    if (status.is_client_error() || status.is_server_error()) && !is_problem(&res) {
        tracing::debug!(
            status = status.as_u16(),
            "replacing a non-problem error response"
        );
        return Ok(res.into_response(generic_problem_response(status)));
    }
    Ok(res.map_into_boxed_body())
}

/// The application, with every route, the 404/405 fallbacks and the
/// middleware, with the default [`AppOptions`].
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    build_app_with(state, AppOptions::default())
}

/// The application with these options.
pub fn build_app_with(
    state: AppState,
    options: AppOptions,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let mut app = App::new()
        .app_data(web::Data::new(state))
        .app_data(options.limits)
        .app_data(web::Data::from(options.rate_limits))
        .app_data(web::Data::new(options.events))
        .app_data(web::Data::new(openapi_json::Document(openapi::json)))
        .wrap(from_fn(request_limits))
        .wrap(from_fn(problem_responses))
        .wrap(from_fn(log_request))
        .default_service(web::to(route_not_found));
    for resource in resources() {
        app = app.service(resource);
    }
    app
}

#[cfg(test)]
mod tests {
    use actix_web::test::{TestRequest, call_service, init_service, read_body};

    use super::*;

    #[actix_web::test]
    async fn error_responses_from_outside_the_handlers_become_problems() {
        let app = init_service(
            App::new()
                .wrap(from_fn(problem_responses))
                .route(
                    "/plain",
                    web::get().to(|| async { HttpResponse::BadRequest().body("plain text") }),
                )
                .route(
                    "/fine",
                    web::get().to(|| async { HttpResponse::Ok().body("ok") }),
                ),
        )
        .await;
        let res = call_service(&app, TestRequest::get().uri("/plain").to_request()).await;
        assert_eq!(res.status(), 400);
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
        let body: serde_json::Value = serde_json::from_slice(&read_body(res).await).unwrap();
        assert_eq!(body["type"], "about:blank");
        assert_eq!(body["title"], "Bad Request");
        assert_eq!(body["status"], 400);

        let res = call_service(&app, TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(read_body(res).await, "ok");
    }
}
