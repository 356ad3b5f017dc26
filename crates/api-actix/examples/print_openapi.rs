//! Prints the OpenAPI document: `cargo run -p api-actix --example print_openapi`.
use utoipa::OpenApi;

fn main() {
    match api_actix::openapi::ApiDoc::openapi().to_pretty_json() {
        Ok(json) => println!("{json}"),
        Err(error) => {
            eprintln!("cannot serialize the document: {error}");
            std::process::exit(1);
        }
    }
}
