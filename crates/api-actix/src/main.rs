//! `todo-api [serve]` runs the API; `todo-api migrate` applies the database
//! migrations. Configuration: see `config/default.toml` and `.env.example`.

use std::process::ExitCode;

use api_actix::config::{self, Sources};
use api_actix::telemetry;

const USAGE: &str = "usage: todo-api [serve|migrate]\n  serve    run the HTTP API (default)\n  migrate  apply pending database migrations and exit";

enum Command {
    Serve,
    Migrate,
    Help,
}

fn parse_args() -> Result<Command, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
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
        Err(message) => {
            eprintln!("todo-api: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
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
    eprintln!("todo-api: serve is not wired to the adapters yet");
    ExitCode::FAILURE
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
    eprintln!("todo-api: migrate is not wired to the adapters yet");
    ExitCode::FAILURE
}
