//! Statelessness (DESIGN "Scale-out"): two `custos serve` processes on one PostgreSQL database. A
//! person created through one is readable through the other, each process runs an integrator
//! (the advisory lock keeps it single), and `custos audit verify` passes afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use custos_core::ids::{UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_store::testing::{TestDb, run_on};
use custos_store::users::{NewUser, local_administrator};

const PASSWORD: &str = "a sufficiently long password";

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(data_dir: &Path, url: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--database-url", url, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--insecure-cookies"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.strip_prefix("serving on http://").unwrap().split(';').next().unwrap().to_owned();
        Self { child, address }
    }

    /// One request; returns (status line, Set-Cookie values, body).
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (String, Vec<String>, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.address);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.lines().next().unwrap().to_owned();
        let cookies = head
            .lines()
            .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
            .map(|c| c.split(';').next().unwrap().to_owned())
            .collect();
        (status, cookies, body.to_owned())
    }

    /// Signs in; returns (cookie header, csrf token).
    fn sign_in(&self) -> (String, String) {
        let body = format!(r#"{{"user":"MP700001","password":"{PASSWORD}"}}"#);
        let (status, cookies, body) = self.request("POST", "/api/v1/session", &[("Content-Type", "application/json")], &body);
        assert!(status.contains("200"), "{status} {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        (cookies.join("; "), json["csrf"].as_str().unwrap().to_owned())
    }

    fn stop(mut self) {
        // SIGTERM: a graceful stop, with a last integration.
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        assert!(self.child.wait().unwrap().success());
    }
}

async fn body(db: TestDb) {
    assert!(db.is_postgres());
    let url = db.url.clone().unwrap();
    db.store
        .create_user(
            &local_administrator(),
            NewUser {
                user: UserId::parse("MP700001").unwrap(),
                display_name: "DC Two".into(),
                roles: vec![Role::Investigator],
                units: vec![UnitId::parse("CE-BCU").unwrap()],
                clearance: Classification::Official,
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let dir = db.dir.path().to_path_buf();
    let url_for_servers = url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let a = Server::start(&dir, &url_for_servers);
        let b = Server::start(&dir, &url_for_servers);
        let (cookie, csrf) = a.sign_in();
        // Search before create: a match search, then the create naming it.
        let record = r#"{"names":[{"forenames":["Grace"],"surname":"Hopper"}],"dates_of_birth":["1906-12-09"]}"#;
        let (status, _, matched) = a.request(
            "POST",
            "/api/v1/persons/match",
            &[
                ("Content-Type", "application/json"),
                ("Cookie", &cookie),
                ("X-CSRF-Token", &csrf),
                ("X-Justification", "recording a person: is she already known?"),
            ],
            record,
        );
        assert!(status.contains("200"), "{status} {matched}");
        let search_id = serde_json::from_str::<serde_json::Value>(&matched).unwrap()["search_id"].as_str().unwrap().to_owned();
        let person = format!(r#"{{"record":{record},"search_id":"{search_id}","choice":"none_of_these"}}"#);
        let (status, _, created) = a.request(
            "POST",
            "/api/v1/people",
            &[("Content-Type", "application/json"), ("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
            &person,
        );
        assert!(status.contains("201"), "{status} {created}");
        let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["id"].as_str().unwrap().to_owned();
        // The session made on A is a row in the shared database: B honours it too.
        let (status, _, read) = b.request(
            "GET",
            &format!("/api/v1/entities/{id}"),
            &[("Cookie", &cookie), ("X-Justification", "checking the record created on the other node")],
            "",
        );
        assert!(status.contains("200"), "{status} {read}");
        assert!(read.contains("Hopper"), "{read}");
        let (cookie_b, _) = b.sign_in();
        let (status, _, _) = b.request("GET", &format!("/api/v1/entities/{id}"), &[("Cookie", &cookie_b), ("X-Justification", "second node")], "");
        assert!(status.contains("200"), "{status}");
        a.stop();
        b.stop();
        dir
    })
    .await
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(&outcome)
        .args(["--database-url", &url, "audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("audit log intact"), "{stdout}");
    let mut conn = db.raw().await;
    let pending: i64 = sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM audit_pending").fetch_one(&mut conn).await.unwrap(), 0);
    assert_eq!(pending, 0, "both integrators sealed everything on a clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_postgresql() {
    run_on("postgres", body).await;
}
