use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::UserId;
use tokio_postgres::{Client, NoTls};
use url::Url;
use uuid::Uuid;

const ADMIN_URL_VAR: &str = "TEST_DATABASE_ADMIN_URL";
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const NAME_PREFIX: &str = "todo_test_";

/// Databases left behind by a test process that was killed before its
/// `Drop` ran are removed once they are this old (no test runs that long).
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// TEST FIXTURE standing in for Better Auth's `"user"` table, which in
/// production is created (with many more columns) by Better Auth's own
/// migration. The tasks migration only needs `"user"(id uuid)` for its
/// foreign key, and Rust never queries this table outside tests.
const STAND_IN_USER_TABLE: &str = r#"CREATE TABLE "user" (id uuid PRIMARY KEY)"#;

/// The server where test databases are created and dropped: env
/// `TEST_DATABASE_ADMIN_URL`, default
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub fn admin_url() -> String {
    std::env::var(ADMIN_URL_VAR).unwrap_or_else(|_| DEFAULT_ADMIN_URL.into())
}

/// A fresh database `todo_test_<unix seconds>_<random>` on the admin URL
/// (env `TEST_DATABASE_ADMIN_URL`, default
/// `postgres://postgres@127.0.0.1:5432/postgres`), dropped `WITH (FORCE)`
/// when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    admin_url: String,
    url: String,
    client: Option<Client>,
}

impl TestDatabase {
    /// An empty database with the stand-in `"user"` table; not migrated.
    ///
    /// # Panics
    /// When the admin server cannot be reached or refuses to create it.
    pub async fn create() -> Self {
        let db = Self::create_bare().await;
        db.client()
            .batch_execute(STAND_IN_USER_TABLE)
            .await
            .expect("create the stand-in \"user\" table");
        db
    }

    /// An empty database without the stand-in table, for testing the
    /// migration's guard.
    ///
    /// # Panics
    /// As for [`TestDatabase::create`].
    pub async fn create_bare() -> Self {
        let admin_url = admin_url();
        let admin = connect(&admin_url).await;
        drop_stale_databases(&admin).await;

        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs();
        let name = format!("{NAME_PREFIX}{created}_{}", Uuid::new_v4().simple());
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("create test database {name}: {e}"));

        let mut url = Url::parse(&admin_url).expect("the admin URL is a valid URL");
        url.set_path(&format!("/{name}"));
        let url = url.to_string();
        let client = connect(&url).await;
        Self {
            name,
            admin_url,
            url,
            client: Some(client),
        }
    }

    /// The PostgreSQL URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name, `todo_test_<unix seconds>_<random>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the server holding this database listens, resolved to one
    /// address (e.g. the target of a [`TcpProxy`] in front of it).
    ///
    /// # Panics
    /// When the URL names no host or the host does not resolve.
    ///
    /// [`TcpProxy`]: crate::TcpProxy
    pub async fn server_addr(&self) -> SocketAddr {
        let url = Url::parse(&self.url).expect("the database URL is a valid URL");
        let host = url.host_str().expect("the database URL names a host");
        // `[::1]` in a URL, `::1` for the resolver.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port().unwrap_or(5432);
        tokio::net::lookup_host((host, port))
            .await
            .unwrap_or_else(|e| panic!("resolve the database host {host}: {e}"))
            .next()
            .unwrap_or_else(|| panic!("the database host {host} has no address"))
    }

    /// The URL of this database reached through `addr` (e.g. a [`TcpProxy`]).
    ///
    /// [`TcpProxy`]: crate::TcpProxy
    pub fn url_via(&self, addr: SocketAddr) -> String {
        let mut url = Url::parse(&self.url).expect("the database URL is a valid URL");
        url.set_host(Some(&addr.ip().to_string()))
            .expect("a socket address is a valid host");
        url.set_port(Some(addr.port()))
            .expect("this URL can carry a port");
        url.to_string()
    }

    /// Adds a row to the stand-in user table and returns its id.
    ///
    /// # Panics
    /// When the insert fails (e.g. on a database made with `create_bare`).
    pub async fn insert_user(&self) -> UserId {
        let id = Uuid::new_v4();
        self.client()
            .execute(r#"INSERT INTO "user" (id) VALUES ($1)"#, &[&id])
            .await
            .expect("insert a stand-in user");
        UserId::from_uuid(id)
    }

    /// Deletes a user from the stand-in table (cascading to their tasks once
    /// the tasks migration has run).
    ///
    /// # Panics
    /// When the delete fails.
    pub async fn delete_user(&self, id: UserId) {
        let id: Uuid = id.into();
        self.client()
            .execute(r#"DELETE FROM "user" WHERE id = $1"#, &[&id])
            .await
            .expect("delete a stand-in user");
    }

    fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the client lives until the database is dropped")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Our own connection's task belongs to the test's runtime; closing
        // the client now lets it end before the database goes away.
        drop(self.client.take());
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop cannot await, and blocking the test's runtime on its own
        // future would deadlock a current-thread runtime: the DROP runs on a
        // separate thread with a runtime of its own, and we wait for it.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&admin_url, NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                let driver = tokio::spawn(connection);
                let result = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .map_err(|e| e.to_string());
                drop(client);
                let _finished = driver.await;
                result
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            // Not a panic: panicking in Drop while a failed test unwinds
            // would abort and hide the real failure. The next create()
            // sweeps the leftover once it is stale.
            Ok(Err(e)) => eprintln!("warning: could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("warning: dropping test database {} panicked", self.name),
        }
    }
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot connect to PostgreSQL for tests ({e}); is it running? \
                 (set {ADMIN_URL_VAR} to point elsewhere)"
            )
        });
    tokio::spawn(async move {
        // Ends with an error when the database is dropped under it; that
        // is expected.
        let _closed = connection.await;
    });
    client
}

/// Removes `todo_test_<secs>_<random>` databases older than [`STALE_AFTER`]:
/// leftovers of test processes killed before their `Drop` ran.
async fn drop_stale_databases(admin: &Client) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let Ok(rows) = admin
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'todo\\_test\\_%'",
            &[],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let created = name
            .strip_prefix(NAME_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        if created.is_some_and(|created| now.saturating_sub(created) > STALE_AFTER.as_secs()) {
            // Best effort: another test process may be sweeping it too.
            let _swept = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}
