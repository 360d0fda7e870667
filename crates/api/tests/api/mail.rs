//! A real SMTP server for the tests (RFC 5321 over a TCP socket on loopback: EHLO/HELO, MAIL, RCPT, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT) that keeps what it receives; and readers for what it received: the MIME
//! message (mail-parser) and the calendar file (unfolded and split into properties).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mail_parser::{MessageParser, MimeHeaders};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Listens on a free port.
    pub async fn start() -> SmtpServer {
        SmtpServer::start_on(0).await
    }

    /// Listens on `port` (0: any free one).
    pub async fn start_on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind the test SMTP server");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        SmtpServer { addr, received, task: Some(task) }
    }

    /// A port nothing listens on yet (the server is "down"); `start_on` it later to bring it "up".
    pub async fn free_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Stops listening (connections in progress end with the task).
    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.localhost ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-test.localhost greets you\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n").await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 test.localhost\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command["MAIL FROM:".len()..]);
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command["RCPT TO:".len()..]));
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            if to.is_empty() {
                write.write_all(b"503 RCPT first\r\n").await?;
                continue;
            }
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = Vec::new();
            loop {
                line.clear();
                if lines.read_until(b'\n', &mut line).await? == 0 {
                    return Ok(());
                }
                if line == b".\r\n" || line == b".\n" {
                    break;
                }
                // Dot-stuffing: a line starting with a dot was sent with a second one.
                let content = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
                data.extend_from_slice(content);
            }
            store.lock().unwrap().push(Received { from: from.clone(), to: to.clone(), data });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "RSET" {
            from.clear();
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

fn address(arg: &str) -> String {
    let arg = arg.trim();
    let inner = arg.strip_prefix('<').and_then(|a| a.split_once('>')).map(|(a, _)| a).unwrap_or(arg);
    inner.to_owned()
}

/// A received email, read back.
#[derive(Debug, Clone)]
pub struct Mail {
    pub envelope_to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub to: String,
    pub text: String,
    pub html: String,
    /// (content type with its parameters, file name, content) of each calendar attachment.
    pub calendars: Vec<(String, String, String)>,
}

pub fn parse(received: &Received) -> Mail {
    let message = MessageParser::default().parse(&received.data).expect("a MIME message");
    let calendars = message
        .attachments()
        .filter(|part| part.content_type().is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar")))
        .map(|part| {
            let ct = part.content_type().unwrap();
            let params: Vec<String> = ct
                .attributes()
                .unwrap_or_default()
                .iter()
                .map(|a| format!("{}={}", a.name.to_ascii_lowercase(), a.value.to_ascii_lowercase()))
                .collect();
            (
                format!("text/calendar; {}", params.join("; ")),
                part.attachment_name().unwrap_or_default().to_owned(),
                String::from_utf8(part.contents().to_vec()).unwrap(),
            )
        })
        .collect();
    Mail {
        envelope_to: received.to.clone(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        to: message.to().and_then(|to| to.first()).and_then(|a| a.address()).unwrap_or_default().to_owned(),
        // Lines travel with CRLF; compare them as the visitor's mail program shows them.
        text: message.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        calendars,
    }
}

/// A calendar file's content lines after unfolding, as (name with parameters, value); checks the lines on the way.
pub fn calendar_lines(ics: &str) -> Vec<(String, String)> {
    assert!(ics.ends_with("\r\n"), "lines end with CRLF");
    for raw in ics.split("\r\n") {
        assert!(raw.len() <= 75, "a line longer than 75 octets: {raw:?}");
    }
    ics.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').expect("NAME:value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// The value of the first property named `name` (parameters ignored) inside the VEVENT.
pub fn event_property(lines: &[(String, String)], name: &str) -> Option<String> {
    let start = lines.iter().position(|(n, v)| n == "BEGIN" && v == "VEVENT")?;
    lines[start..]
        .iter()
        .find(|(n, _)| n.split(';').next() == Some(name))
        .map(|(n, v)| if n.contains(';') { format!("{n}:{v}") } else { v.clone() })
}
