//! The configuration's tests: layering, defaults, every variable named
//! when it is wrong, secrets kept out of messages.

use super::*;

fn sources(vars: &[(&str, &str)]) -> Sources {
    Sources {
        env: vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        // No files on disk: only the built-in defaults.
        config_dir: PathBuf::from("/nonexistent-config-dir"),
    }
}

const MINIMAL: [(&str, &str); 2] = [
    ("DATABASE_URL", "postgres://app:s3cret@127.0.0.1:5432/todo"),
    ("BETTER_AUTH_URL", "http://localhost:3000/"),
];

fn error_of(vars: &[(&str, &str)]) -> ConfigError {
    load_serve(&sources(vars)).unwrap_err()
}

fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut vars = MINIMAL.to_vec();
    vars.extend_from_slice(extra);
    vars
}

#[test]
fn defaults_come_from_default_toml() {
    let config = load_serve(&sources(&MINIMAL)).unwrap();
    assert_eq!(config.server.bind_addr, "127.0.0.1:8000".parse().unwrap());
    assert_eq!(config.database.max_connections, 10);
    assert_eq!(config.database.acquire_timeout, Duration::from_secs(2));
    assert_eq!(config.database.statement_timeout, Duration::from_secs(5));
    assert_eq!(config.database.lock_timeout, Duration::from_secs(2));
    assert_eq!(config.database.pooler, PoolerMode::None);
    assert_eq!(config.auth.issuer, "http://localhost:3000/");
    assert_eq!(config.auth.audience, "todo-api");
    assert_eq!(config.auth.leeway, Duration::from_secs(30));
    assert_eq!(config.log_filter, "info");
    let server = &config.server;
    assert_eq!(server.client_request_timeout, Duration::from_secs(5));
    assert_eq!(server.client_disconnect_timeout, Duration::from_secs(1));
    assert_eq!(server.keep_alive, Duration::from_secs(5));
    assert_eq!(server.max_connections, 10_000);
    assert_eq!(server.shutdown_timeout, Duration::from_secs(30));
    assert_eq!(server.workers, None);
    assert_eq!(server.metrics_addr, None);
    assert_eq!(
        server.app.limits,
        HttpLimits {
            body_timeout: Duration::from_secs(10),
            max_uri_bytes: 8192,
            max_query_bytes: 4096,
            max_header_bytes: 32_768,
            max_json_depth: 32,
        }
    );
    assert_eq!(
        server.app.rate_limits.settings(),
        RateLimitSettings {
            per_user_per_second: 50,
            per_user_burst: 100,
            auth_failures_per_minute: 20,
            auth_failures_burst: 40,
        }
    );
    assert!(server.app.rate_limits.exempt_ranges().is_empty());
    match &config.auth.mode {
        VerifierMode::Jwks(jwks) => {
            assert_eq!(jwks.url, "http://localhost:3000/api/auth/jwks");
            assert_eq!(jwks.refresh_interval, Duration::from_secs(300));
            assert_eq!(jwks.refetch_cooldown, Duration::from_secs(10));
            assert_eq!(jwks.fetch_timeout, Duration::from_millis(2000));
            assert_eq!(jwks.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        }
        VerifierMode::Hs256 { .. } => panic!("default mode is jwks"),
    }
}

#[test]
fn tests_and_embedders_get_the_same_defaults() {
    let config = load_serve(&sources(&MINIMAL)).unwrap();
    let bind = "127.0.0.1:0".parse().unwrap();
    let server = ServerSettings::new(bind);
    assert_eq!(server.bind_addr, bind);
    assert_eq!(server.shutdown_timeout, config.server.shutdown_timeout);
    assert_eq!(
        server.client_request_timeout,
        config.server.client_request_timeout
    );
    assert_eq!(server.keep_alive, config.server.keep_alive);
    assert_eq!(server.max_connections, config.server.max_connections);
    assert_eq!(server.metrics_addr, config.server.metrics_addr);
    let app = AppOptions::default();
    assert_eq!(app.limits, config.server.app.limits);
    assert_eq!(
        app.rate_limits.settings(),
        config.server.app.rate_limits.settings()
    );
    // Each gets buckets of its own.
    assert!(!Arc::ptr_eq(
        &app.rate_limits,
        &AppOptions::default().rate_limits
    ));
}

#[test]
fn environment_overrides_defaults() {
    let config = load_serve(&sources(&with(&[
        ("API_BIND_ADDR", "0.0.0.0:0"),
        ("AUTH_MODE", "hs256"),
        ("BETTER_AUTH_SECRET", "0123456789abcdef0123456789abcdef"),
        ("JWT_ISSUER", "https://issuer.test"),
        ("JWT_AUDIENCE", "other"),
        ("JWT_LEEWAY_SECS", "5"),
        ("DATABASE_MAX_CONNECTIONS", "3"),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "250"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "0"),
        ("DATABASE_LOCK_TIMEOUT_MS", "100"),
        ("RUST_LOG", "debug,actix_server=warn"),
        ("REQUEST_BODY_TIMEOUT_MS", "1500"),
        ("SHUTDOWN_TIMEOUT_SECS", "7"),
        ("MAX_JSON_DEPTH", "8"),
        ("RATE_LIMIT_PER_SECOND", "0"),
        ("METRICS_BIND_ADDR", "127.0.0.1:9000"),
        ("AUTH_FAILURE_LIMIT_EXEMPT", "127.0.0.1, ::1,172.16.0.0/12"),
        ("AUTH_FAILURE_LIMIT_BURST", "3"),
        ("AUTH_FAILURE_LIMIT_PER_MINUTE", "7"),
        ("RATE_LIMIT_BURST", "9"),
        ("CLIENT_REQUEST_TIMEOUT_MS", "1234"),
        ("KEEP_ALIVE_SECS", "11"),
        ("API_MAX_CONNECTIONS", "12"),
        ("MAX_URI_BYTES", "1000"),
        ("MAX_QUERY_BYTES", "100"),
        ("MAX_HEADER_BYTES", "2000"),
        ("DATABASE_POOLER", "transaction"),
    ])))
    .unwrap();
    assert_eq!(
        config.server.app.limits.body_timeout,
        Duration::from_millis(1500)
    );
    assert_eq!(config.server.shutdown_timeout, Duration::from_secs(7));
    assert_eq!(
        config.server.app.limits,
        HttpLimits {
            body_timeout: Duration::from_millis(1500),
            max_uri_bytes: 1000,
            max_query_bytes: 100,
            max_header_bytes: 2000,
            max_json_depth: 8,
        }
    );
    assert_eq!(
        config.server.client_request_timeout,
        Duration::from_millis(1234)
    );
    assert_eq!(config.server.keep_alive, Duration::from_secs(11));
    assert_eq!(config.server.max_connections, 12);
    assert_eq!(
        config.server.metrics_addr,
        Some("127.0.0.1:9000".parse().unwrap())
    );
    assert_eq!(config.server.app.rate_limits.exempt_ranges().len(), 3);
    let rate_limits = config.server.app.rate_limits.settings();
    assert_eq!(rate_limits.per_user_per_second, 0);
    assert_eq!(rate_limits.per_user_burst, 9);
    assert_eq!(rate_limits.auth_failures_per_minute, 7);
    assert_eq!(rate_limits.auth_failures_burst, 3);
    assert_eq!(config.server.bind_addr.port(), 0);
    assert_eq!(config.auth.issuer, "https://issuer.test");
    assert_eq!(config.auth.audience, "other");
    assert_eq!(config.auth.leeway, Duration::from_secs(5));
    assert_eq!(config.database.max_connections, 3);
    assert_eq!(config.database.acquire_timeout, Duration::from_millis(250));
    assert_eq!(config.database.statement_timeout, Duration::ZERO);
    assert_eq!(config.database.lock_timeout, Duration::from_millis(100));
    assert_eq!(config.log_filter, "debug,actix_server=warn");
    assert_eq!(config.database.pooler, PoolerMode::Transaction);
    assert!(matches!(config.auth.mode, VerifierMode::Hs256 { .. }));
}

#[test]
fn environment_overrides_the_jwks_settings() {
    let config = load_serve(&sources(&with(&[
        ("JWKS_URL", "https://keys.test/jwks"),
        ("JWKS_REFRESH_SECS", "60"),
        ("JWKS_COOLDOWN_SECS", "0"),
        ("JWKS_FETCH_TIMEOUT_MS", "750"),
    ])))
    .unwrap();
    let VerifierMode::Jwks(jwks) = config.auth.mode else {
        panic!("jwks mode")
    };
    assert_eq!(jwks.url, "https://keys.test/jwks");
    assert_eq!(jwks.refresh_interval, Duration::from_secs(60));
    assert_eq!(jwks.refetch_cooldown, Duration::ZERO);
    assert_eq!(jwks.fetch_timeout, Duration::from_millis(750));
}

#[test]
fn empty_variables_count_as_unset() {
    let config = load_serve(&sources(&with(&[
        ("JWKS_URL", ""),
        ("JWT_LEEWAY_SECS", ""),
    ])))
    .unwrap();
    assert_eq!(config.auth.leeway, Duration::from_secs(30));
    assert!(
        matches!(config.auth.mode, VerifierMode::Jwks(ref jwks) if jwks.url.ends_with("/api/auth/jwks"))
    );
}

#[test]
fn jwks_and_issuer_can_replace_better_auth_url() {
    let config = load_serve(&sources(&[
        ("DATABASE_URL", "postgres://localhost/todo"),
        ("JWT_ISSUER", "http://issuer"),
        ("JWKS_URL", "http://keys/jwks"),
    ]))
    .unwrap();
    assert_eq!(config.auth.issuer, "http://issuer");
}

#[test]
fn each_missing_or_invalid_setting_is_named() {
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![MINIMAL[1]], "DATABASE_URL"),
        (
            vec![("DATABASE_URL", "mysql://x"), MINIMAL[1]],
            "DATABASE_URL",
        ),
        (vec![MINIMAL[0]], "BETTER_AUTH_URL"),
        (
            vec![MINIMAL[0], ("JWKS_URL", "http://keys")],
            "BETTER_AUTH_URL",
        ),
        (
            with(&[("BETTER_AUTH_URL", "localhost:3000")]),
            "BETTER_AUTH_URL",
        ),
        (with(&[("API_BIND_ADDR", "localhost")]), "API_BIND_ADDR"),
        (with(&[("AUTH_MODE", "rs256")]), "AUTH_MODE"),
        (with(&[("AUTH_MODE", "hs256")]), "BETTER_AUTH_SECRET"),
        (with(&[("JWT_LEEWAY_SECS", "-1")]), "JWT_LEEWAY_SECS"),
        (with(&[("JWT_LEEWAY_SECS", "abc")]), "JWT_LEEWAY_SECS"),
        (with(&[("JWKS_REFRESH_SECS", "86401")]), "JWKS_REFRESH_SECS"),
        (with(&[("JWKS_COOLDOWN_SECS", "1e3")]), "JWKS_COOLDOWN_SECS"),
        (
            with(&[("JWKS_FETCH_TIMEOUT_MS", "-1")]),
            "JWKS_FETCH_TIMEOUT_MS",
        ),
        (with(&[("RUST_LOG", " ")]), "RUST_LOG"),
        (
            with(&[("DATABASE_MAX_CONNECTIONS", "0")]),
            "DATABASE_MAX_CONNECTIONS",
        ),
        (
            with(&[("DATABASE_ACQUIRE_TIMEOUT_MS", "x")]),
            "DATABASE_ACQUIRE_TIMEOUT_MS",
        ),
        (
            with(&[("DATABASE_STATEMENT_TIMEOUT_MS", "-5")]),
            "DATABASE_STATEMENT_TIMEOUT_MS",
        ),
        (
            with(&[("DATABASE_LOCK_TIMEOUT_MS", "600001")]),
            "DATABASE_LOCK_TIMEOUT_MS",
        ),
        (with(&[("RUST_LOG", "info,[[")]), "RUST_LOG"),
        (
            with(&[("REQUEST_BODY_TIMEOUT_MS", "0")]),
            "REQUEST_BODY_TIMEOUT_MS",
        ),
        (with(&[("MAX_JSON_DEPTH", "1")]), "MAX_JSON_DEPTH"),
        (with(&[("RATE_LIMIT_BURST", "0")]), "RATE_LIMIT_BURST"),
        (with(&[("METRICS_BIND_ADDR", "9000")]), "METRICS_BIND_ADDR"),
        (
            with(&[("AUTH_FAILURE_LIMIT_EXEMPT", "web")]),
            "AUTH_FAILURE_LIMIT_EXEMPT",
        ),
        (
            with(&[("AUTH_FAILURE_LIMIT_PER_MINUTE", "x")]),
            "AUTH_FAILURE_LIMIT_PER_MINUTE",
        ),
        (with(&[("MAX_HEADER_BYTES", "1e6")]), "MAX_HEADER_BYTES"),
        (
            with(&[("SHUTDOWN_TIMEOUT_SECS", "-1")]),
            "SHUTDOWN_TIMEOUT_SECS",
        ),
        (with(&[("APP_ENV", "../etc")]), "APP_ENV"),
        (with(&[("APP_ENV", "nosuchenv")]), "APP_ENV"),
    ];
    for (vars, name) in cases {
        let error = error_of(&vars);
        assert_eq!(error.name, name, "{vars:?}: {error}");
        let line = error.to_string();
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains(name), "{line}");
    }
}

#[test]
fn secrets_never_appear_in_errors_or_debug() {
    let error = error_of(&[("DATABASE_URL", "mysql://root:hunter2@db"), MINIMAL[1]]);
    assert!(!error.to_string().contains("hunter2"));
    let short = load_serve(&sources(&with(&[
        ("AUTH_MODE", "hs256"),
        ("BETTER_AUTH_SECRET", "hunter2"),
    ])))
    .unwrap();
    let error = verifier_error_of(&short).unwrap();
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let config = load_serve(&sources(&with(&[
        ("AUTH_MODE", "hs256"),
        ("BETTER_AUTH_SECRET", "hunter2-hunter2-hunter2-hunter2-x"),
    ])))
    .unwrap();
    let debug = format!("{config:?} {}", describe_auth_mode(&config.auth.mode));
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(debug.contains("hs256 (33 byte secret)"), "{debug}");
}

/// What the token verifier says of `config.auth`, as a configuration
/// error; `None` when it accepts them.
fn verifier_error_of(config: &ServeConfig) -> Option<ConfigError> {
    // JWKS mode needs a runtime for its background refresh.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    match adapters_jwt::build_verifier(config.auth.clone()) {
        Ok(_) => None,
        Err(error) => Some(
            config
                .verifier_error(&error)
                .unwrap_or_else(|| panic!("not a setting: {error}")),
        ),
    }
}

#[test]
fn the_verifiers_rules_are_reported_against_their_variables() {
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            with(&[("AUTH_MODE", "hs256"), ("BETTER_AUTH_SECRET", "short")]),
            "BETTER_AUTH_SECRET",
        ),
        (with(&[("JWKS_REFRESH_SECS", "0")]), "JWKS_REFRESH_SECS"),
        (
            with(&[("JWKS_FETCH_TIMEOUT_MS", "0")]),
            "JWKS_FETCH_TIMEOUT_MS",
        ),
        (with(&[("JWKS_URL", "ftp://x")]), "JWKS_URL"),
        (with(&[("JWKS_URL", "not a url")]), "JWKS_URL"),
    ];
    for (vars, name) in cases {
        let config = load_serve(&sources(&vars)).unwrap();
        let error = verifier_error_of(&config).unwrap_or_else(|| panic!("{vars:?} accepted"));
        assert_eq!(error.name, name, "{vars:?}: {error}");
        let line = error.to_string();
        assert!(!line.contains('\n'), "{line}");
    }
    let secret = "a".repeat(adapters_jwt::MIN_HS256_SECRET_BYTES);
    let config = load_serve(&sources(&with(&[
        ("AUTH_MODE", "hs256"),
        ("BETTER_AUTH_SECRET", &secret),
    ])))
    .unwrap();
    assert_eq!(verifier_error_of(&config), None);
    assert_eq!(
        verifier_error_of(&load_serve(&sources(&MINIMAL)).unwrap()),
        None
    );
}

#[test]
fn the_pooler_mode_is_none_unless_set_to_transaction() {
    for value in ["transaction", "Transaction"] {
        let config = load_serve(&sources(&with(&[("DATABASE_POOLER", value)]))).unwrap();
        assert_eq!(config.database.pooler, PoolerMode::Transaction);
    }
    let error = error_of(&with(&[("DATABASE_POOLER", "session")]));
    assert_eq!(error.name, "DATABASE_POOLER", "{error}");
}

#[test]
fn migrate_needs_only_the_database() {
    let config = load_migrate(&sources(&[MINIMAL[0]])).unwrap();
    assert_eq!(
        config.database_url.expose_secret(),
        "postgres://app:s3cret@127.0.0.1:5432/todo"
    );
    assert_eq!(
        load_migrate(&sources(&[])).unwrap_err().name,
        "DATABASE_URL"
    );
}

#[test]
fn migrate_prefers_the_migration_url() {
    let direct = "postgres://app:s3cret@db-direct:5432/todo";
    let config = load_migrate(&sources(&[MINIMAL[0], ("DATABASE_MIGRATION_URL", direct)])).unwrap();
    assert_eq!(config.database_url.expose_secret(), direct);
    // Without DATABASE_URL too: migrating needs only the direct URL.
    let config = load_migrate(&sources(&[("DATABASE_MIGRATION_URL", direct)])).unwrap();
    assert_eq!(config.database_url.expose_secret(), direct);
    // Empty counts as unset, as for every variable.
    let config = load_migrate(&sources(&[MINIMAL[0], ("DATABASE_MIGRATION_URL", "")])).unwrap();
    assert_eq!(
        config.database_url.expose_secret(),
        "postgres://app:s3cret@127.0.0.1:5432/todo"
    );
    let error = load_migrate(&sources(&[
        MINIMAL[0],
        ("DATABASE_MIGRATION_URL", "mysql://root:hunter2@db"),
    ]))
    .unwrap_err();
    assert_eq!(error.name, "DATABASE_MIGRATION_URL");
    assert!(!error.to_string().contains("hunter2"));
}

#[test]
fn serve_ignores_the_migration_url() {
    let config = load_serve(&sources(&with(&[(
        "DATABASE_MIGRATION_URL",
        "postgres://app:s3cret@db-direct:5432/todo",
    )])))
    .unwrap();
    assert_eq!(
        config.database.url.expose_secret(),
        "postgres://app:s3cret@127.0.0.1:5432/todo"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("api-actix-config-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn files_layer_in_order_and_env_wins() {
    let dir = temp_dir("layers");
    std::fs::write(
        dir.join("default.toml"),
        "jwt_audience = \"from-default\"\njwt_leeway_secs = 7\n",
    )
    .unwrap();
    std::fs::write(dir.join("staging.toml"), "jwt_leeway_secs = 9\n").unwrap();
    let mut s = sources(&with(&[("APP_ENV", "staging")]));
    s.config_dir = dir.clone();
    let config = load_serve(&s).unwrap();
    assert_eq!(config.auth.audience, "from-default");
    assert_eq!(config.auth.leeway, Duration::from_secs(9));
    s.env.insert("JWT_LEEWAY_SECS".into(), "11".into());
    assert_eq!(load_serve(&s).unwrap().auth.leeway, Duration::from_secs(11));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_misspelt_or_broken_file_is_named() {
    let dir = temp_dir("broken");
    std::fs::write(dir.join("typo.toml"), "jwt_leway_secs = 9\n").unwrap();
    std::fs::write(dir.join("broken.toml"), "jwt_leeway_secs = \n").unwrap();
    let mut s = sources(&with(&[("APP_ENV", "typo")]));
    s.config_dir = dir.clone();
    let error = load_serve(&s).unwrap_err();
    assert!(error.name.ends_with("typo.toml"), "{error}");
    assert!(error.message.contains("jwt_leway_secs"), "{error}");
    s.env.insert("APP_ENV".into(), "broken".into());
    let error = load_serve(&s).unwrap_err();
    assert!(error.name.ends_with("broken.toml"), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_shipped_files_are_valid() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../config"));
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "toml") && name != "default" {
            let mut s = sources(&with(&[("APP_ENV", name)]));
            s.config_dir = dir.clone();
            load_serve(&s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn env_example_documents_every_variable_and_is_a_valid_configuration() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
    let text = std::fs::read_to_string(path).unwrap();
    let vars: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .collect();
    for name in VARIABLES.iter().chain(&["APP_ENV"]) {
        assert!(
            vars.iter().any(|(k, _)| k == name),
            ".env.example lacks {name}"
        );
    }
    // DATABASE_URL ships empty: `just dev` then runs an embedded
    // PostgreSQL and hands the API its URL, as this stands in for.
    assert!(vars.contains(&("DATABASE_URL", "")));
    let vars: Vec<(&str, &str)> = vars
        .into_iter()
        .map(|(k, v)| match k {
            "DATABASE_URL" => (k, "postgres://postgres:secret@127.0.0.1:5432/todo"),
            _ => (k, v),
        })
        .collect();
    let config = load_serve(&sources(&vars)).unwrap();
    assert_eq!(config.server.bind_addr, "127.0.0.1:8000".parse().unwrap());
    assert!(matches!(config.auth.mode, VerifierMode::Jwks(_)));
}

#[test]
fn the_change_feed_settings_default_and_are_checked() {
    let config = load_serve(&sources(&MINIMAL)).unwrap();
    // The LISTEN connection goes where the pool goes unless told otherwise.
    assert_eq!(
        config.listen_url.expose_secret(),
        "postgres://app:s3cret@127.0.0.1:5432/todo"
    );
    assert_eq!(config.changes_retention, Duration::from_secs(30 * 86_400));
    assert_eq!(config.server.app.events.keep_alive, Duration::from_secs(15));
    let config = load_serve(&sources(&with(&[
        (
            "DATABASE_LISTEN_URL",
            "postgres://app:s3cret@db-direct:5432/todo",
        ),
        ("CHANGES_RETENTION_DAYS", "7"),
        ("EVENTS_KEEPALIVE_SECS", "1"),
    ])))
    .unwrap();
    assert_eq!(
        config.listen_url.expose_secret(),
        "postgres://app:s3cret@db-direct:5432/todo"
    );
    assert_eq!(config.changes_retention, Duration::from_secs(7 * 86_400));
    assert_eq!(config.server.app.events.keep_alive, Duration::from_secs(1));
    let error = error_of(&with(&[("DATABASE_LISTEN_URL", "mysql://u:hidden@x/y")]));
    assert_eq!(error.name, "DATABASE_LISTEN_URL");
    assert!(!error.to_string().contains("hidden"), "{error}");
    for (name, value) in [
        ("CHANGES_RETENTION_DAYS", "0"),
        ("EVENTS_KEEPALIVE_SECS", "0"),
    ] {
        assert_eq!(error_of(&with(&[(name, value)])).name, name);
    }
}

#[test]
fn the_trash_settings_default_and_are_checked() {
    let config = load_serve(&sources(&MINIMAL)).unwrap();
    assert_eq!(config.trash_purge_interval, Duration::from_secs(3600));
    assert_eq!(config.trash_retention, Duration::from_secs(30 * 86_400));
    let config = load_serve(&sources(&with(&[
        ("TRASH_PURGE_INTERVAL_SECS", "2"),
        ("TRASH_RETENTION_DAYS", "7"),
    ])))
    .unwrap();
    assert_eq!(config.trash_purge_interval, Duration::from_secs(2));
    assert_eq!(config.trash_retention, Duration::from_secs(7 * 86_400));
    for (name, value) in [
        ("TRASH_PURGE_INTERVAL_SECS", "0"),
        ("TRASH_PURGE_INTERVAL_SECS", "86401"),
        ("TRASH_PURGE_INTERVAL_SECS", "soon"),
        ("TRASH_RETENTION_DAYS", "0"),
        ("TRASH_RETENTION_DAYS", "3651"),
    ] {
        assert_eq!(
            error_of(&with(&[(name, value)])).name,
            name,
            "{name}={value}"
        );
    }
}
