import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PGConnection {
    /// Notices, without a round trip, that the server ended an idle session (restart, failover,
    /// pg_terminate_backend), so `isBroken` is true before a statement is sent on a dead socket.
    ///
    /// An idle session's socket only becomes readable when the server says something unprompted: usually
    /// the FATAL it sends before closing, then the close itself. libpq reads the message on one call and
    /// only sees the close (and marks the connection bad) on the next, hence the loop; it is bounded so a
    /// session flooded with notifications cannot keep a lease waiting.
    func detectServerHangUp() {
        for _ in 0..<4 {
            let socket = PQsocket(handle)
            guard socket >= 0 else { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return }
            // PQisBusy parses what was read, handing the FATAL to the notice logger instead of buffering it.
            guard PQconsumeInput(handle) == 1, PQisBusy(handle) == 0 else { return }
        }
    }
}
