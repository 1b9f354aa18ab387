//! The sandbox's TCP listener. Each accepted connection carries a [`ConnHandle`] that a
//! request handler can use to abort the connection for real (RST), which axum alone cannot.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Lets a handler abort the connection its request came on.
#[derive(Clone, Debug)]
pub struct ConnHandle {
    /// The client's address.
    pub peer: SocketAddr,
    killed: Arc<AtomicBool>,
}

impl ConnHandle {
    /// Marks the connection for abort: its next read or write fails, hyper drops it, and the
    /// socket closes with a zero linger, which sends a TCP RST to the client.
    pub fn reset(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, SandboxListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, SandboxListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A loopback listener whose connections can be reset from a handler.
pub struct SandboxListener {
    inner: TcpListener,
}

impl SandboxListener {
    /// Binds `127.0.0.1:port` (0 = OS-chosen).
    pub async fn bind(port: u16) -> io::Result<Self> {
        let inner = TcpListener::bind(("127.0.0.1", port)).await?;
        Ok(SandboxListener { inner })
    }
}

impl Listener for SandboxListener {
    type Io = SandboxConn;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    let handle = ConnHandle {
                        peer,
                        killed: killed.clone(),
                    };
                    return (
                        SandboxConn {
                            stream,
                            killed,
                            lingering: false,
                        },
                        handle,
                    );
                }
                Err(e) => {
                    // Per-connection errors (the client went away) are not fatal; pause
                    // briefly on resource exhaustion so the loop does not spin.
                    tracing::debug!("sandbox accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            peer: self.inner.local_addr()?,
            killed: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// One accepted connection; fails every read and write once its handle is reset.
pub struct SandboxConn {
    stream: TcpStream,
    killed: Arc<AtomicBool>,
    lingering: bool,
}

impl SandboxConn {
    fn check(&mut self) -> io::Result<()> {
        if !self.killed.load(Ordering::SeqCst) {
            return Ok(());
        }
        if !self.lingering {
            self.lingering = true;
            let _ = self.stream.set_zero_linger();
        }
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "sandbox fault: connection reset",
        ))
    }
}

impl AsyncRead for SandboxConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(e) = self.check() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SandboxConn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.check() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.check() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
