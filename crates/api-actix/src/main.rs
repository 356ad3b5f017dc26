//! `todo-api [serve]` runs the API; `todo-api migrate` applies the database
//! migrations; `todo-api openapi` prints the OpenAPI document. Configuration:
//! `config/default.toml` and `.env.example`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use adapters_jwt::build_verifier;
use adapters_postgres::{PgChangeListener, PgTaskRepo, run_migrations};
use api_actix::config::{self, Sources};
use api_actix::openapi::ApiDoc;
use api_actix::{AppState, live, metrics, server, telemetry};
use utoipa::OpenApi;

const USAGE: &str = "usage: todo-api [serve|migrate|openapi]
  serve    run the HTTP API (the default)
  migrate  apply pending database migrations, then exit
  openapi  print the OpenAPI 3.1 document served at /api/openapi.json, then exit
Settings come from config/default.toml, config/$APP_ENV.toml and the environment (see .env.example);
openapi reads none.";

enum Command {
    Serve,
    Migrate,
    Openapi,
    Help,
}

fn parse_args() -> Result<Command, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
        ["openapi"] => Ok(Command::Openapi),
        ["help" | "--help" | "-h"] => Ok(Command::Help),
        other => Err(format!("unknown arguments: {}", other.join(" "))),
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    match parse_args() {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve) => serve().await,
        Ok(Command::Migrate) => migrate().await,
        Ok(Command::Openapi) => print_openapi(),
        Err(message) => {
            eprintln!("todo-api: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reports a startup failure on one line on stderr (not through `tracing`,
/// whose filter might hide it; stderr is where the log goes anyway).
fn fail(message: &str) -> ExitCode {
    eprintln!("todo-api: {message}");
    ExitCode::FAILURE
}

async fn serve() -> ExitCode {
    let settings = match config::load_serve(&Sources::from_process()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("todo-api: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_filter);
    // Built before anything is logged: a setting the verifier refuses (it
    // holds those rules) is a configuration error like any other, one line
    // naming its variable.
    let verifier = match build_verifier(settings.auth.clone()) {
        Ok(verifier) => verifier,
        Err(error) => match settings.verifier_error(&error) {
            Some(error) => {
                eprintln!("todo-api: {error}");
                return ExitCode::from(2);
            }
            None => return fail(&format!("token verifier: {error}")),
        },
    };
    tracing::info!(
        auth = %config::describe_auth_mode(&settings.auth.mode),
        issuer = %settings.auth.issuer,
        audience = %settings.auth.audience,
        max_connections = settings.database.max_connections,
        "starting todo-api"
    );

    // The pool connects lazily and the JWKS is fetched in the background:
    // the API starts (and answers 503) while either is still unavailable.
    let repo = match PgTaskRepo::new(&settings.database) {
        Ok(repo) => repo,
        Err(error) => return fail(&format!("DATABASE_URL: {error}")),
    };
    let repo = Arc::new(repo);
    let pool = Arc::clone(&repo);
    let pool_probe: metrics::PoolProbe = Arc::new(move || {
        let status = pool.pool_status();
        metrics::PoolGauges {
            size: status.size,
            idle: status.idle,
            waiting: status.waiting,
        }
    });
    // One LISTEN connection, outside the pool, wakes this instance's event
    // streams; it connects (and reconnects) in the background.
    let listener =
        match PgChangeListener::start(&settings.listen_url, settings.database.acquire_timeout) {
            Ok(listener) => listener,
            Err(error) => return fail(&format!("DATABASE_LISTEN_URL: {error}")),
        };
    // Every instance prunes the change log; concurrent batches skip each
    // other's rows.
    actix_web::rt::spawn(live::pruning::run(repo.clone(), settings.changes_retention));
    // Every instance purges the trash and old idempotency keys, likewise.
    actix_web::rt::spawn(live::trash_purge::run(
        repo.clone(),
        repo.clone(),
        settings.trash_purge_interval,
        settings.trash_retention,
    ));
    // One adapter implements every repository port and the change log.
    let state = AppState {
        repo: repo.clone(),
        verifier,
        lists: repo.clone(),
        labels: repo.clone(),
        preferences: repo.clone(),
        transfer: repo.clone(),
        trash: repo.clone(),
        idempotency: repo.clone(),
        changes: repo,
        signals: listener.clone(),
    };
    let served = server::run_observed(&settings.server, state, Some(pool_probe)).await;
    listener.shutdown().await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&format!(
            "cannot serve on {} (API_BIND_ADDR) or {} (METRICS_BIND_ADDR): {error}",
            settings.server.bind_addr,
            settings
                .server
                .metrics_addr
                .map_or_else(|| "-".to_owned(), |addr| addr.to_string())
        )),
    }
}

async fn migrate() -> ExitCode {
    let settings = match config::load_migrate(&Sources::from_process()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("todo-api: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_filter);
    match run_migrations(&settings.database_url).await {
        Ok(()) => {
            tracing::info!("migrations applied");
            println!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.to_string()),
    }
}

/// The document `GET /api/openapi.json` serves (both come from [`ApiDoc`]),
/// pretty-printed for people and files. Needs no configuration.
fn print_openapi() -> ExitCode {
    let json = match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => json,
        Err(error) => return fail(&format!("cannot serialize the OpenAPI document: {error}")),
    };
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&format!("cannot write the OpenAPI document: {error}")),
    }
}
