//! A `redis-server` (Debian's package) of a test's own, on a Unix socket in a temporary
//! folder: no port to pick, no persistence. Without `redis-server` on the PATH a test says so
//! and passes, unless `SHIPMUX_REQUIRE_REDIS` is set (CI sets it).

// Each test file that includes this module uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A `redis-server` of this test's own, stopped when dropped.
pub struct RedisServer {
    child: Child,
    pub socket: PathBuf,
    /// The folder of the socket, when this server made it.
    _dir: Option<tempfile::TempDir>,
}

impl RedisServer {
    /// A server, or `None` (after saying why) when `redis-server` is not installed.
    pub fn start() -> Option<RedisServer> {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("redis.sock");
        RedisServer::start_at(&socket, Some(dir))
    }

    /// A server on `socket`, keeping `dir` (the socket's folder) as long as it runs.
    pub fn start_at(
        socket: &std::path::Path,
        dir: Option<tempfile::TempDir>,
    ) -> Option<RedisServer> {
        RedisServer::start_with(socket, dir, &[])
    }

    /// A server that also serves TLS on loopback `port` with `cert` and `key` (PEM files),
    /// clients not asked for certificates.
    pub fn start_tls(
        port: u16,
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Option<RedisServer> {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("redis.sock");
        let port = port.to_string();
        let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
        RedisServer::start_with(
            &socket,
            Some(dir),
            &[
                "--bind",
                "127.0.0.1",
                "--tls-port",
                &port,
                "--tls-cert-file",
                cert,
                "--tls-key-file",
                key,
                "--tls-auth-clients",
                "no",
            ],
        )
    }

    fn start_with(
        socket: &std::path::Path,
        dir: Option<tempfile::TempDir>,
        extra: &[&str],
    ) -> Option<RedisServer> {
        let spawned = Command::new("redis-server")
            .args(["--port", "0", "--save", "", "--appendonly", "no"])
            .arg("--unixsocket")
            .arg(socket)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                assert!(
                    std::env::var_os("SHIPMUX_REQUIRE_REDIS").is_none(),
                    "redis-server is not installed, and SHIPMUX_REQUIRE_REDIS is set"
                );
                eprintln!("skipped: redis-server is not installed (apt-get install redis-server)");
                return None;
            }
            Err(e) => panic!("cannot start redis-server: {e}"),
        };
        // It says when it accepts connections; read until then (no polling, no sleeping).
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line))
                    if line
                        .to_ascii_lowercase()
                        .contains("ready to accept connections") =>
                {
                    break;
                }
                Some(Ok(_)) => {}
                _ => panic!("redis-server stopped before it was ready"),
            }
        }
        // Keep draining its log so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Some(RedisServer {
            child,
            socket: socket.to_path_buf(),
            _dir: dir,
        })
    }

    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket.display())
    }

    /// Stops the server (its data is gone: no persistence).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
