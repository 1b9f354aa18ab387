//! `shipmux sandbox` prints one `<carrier> <base-url>` line per carrier and serves, with
//! counters at `/_sandbox/stats`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn sandbox_prints_one_line_per_carrier_and_serves_stats() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(["sandbox", "--carriers", "ups,usps", "--latency", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the shipmux binary runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let line = lines.next().expect("a line").expect("utf-8");
        let (carrier, url) = line.split_once(' ').expect("`<carrier> <base-url>`");
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        seen.push((carrier.to_string(), url.to_string()));
    }
    assert_eq!(seen[0].0, "ups");
    assert_eq!(seen[1].0, "usps");

    let addr = seen[0].1.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("the sandbox listens");
    write!(
        stream,
        "GET /_sandbox/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    child.kill().expect("stopped");
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"total\":0"), "{response}");
}
