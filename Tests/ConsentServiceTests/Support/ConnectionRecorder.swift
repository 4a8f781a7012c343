import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on a free loopback port that never answers and only counts who connected: the stand-in for
/// a proxy that nothing should use. The kernel completes a client's handshake before it is accepted, so a
/// client that connected is counted even if it gave up before `connections()` was asked.
final class ConnectionRecorder: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var accepted = 0

    init() throws {
        let (descriptor, port) = try loopbackSocket()
        // Non-blocking, so that counting takes what is queued and never waits for more.
        guard listen(descriptor, 64) == 0, fcntl(descriptor, F_SETFL, O_NONBLOCK) == 0 else {
            close(descriptor)
            throw Failure(description: "could not listen on loopback: \(errno)")
        }
        self.descriptor = descriptor
        self.port = port
    }

    deinit { close(descriptor) }

    /// How many connections were made so far; each is closed once counted.
    func connections() -> Int {
        lock.withLock {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { break }
                close(client)
                accepted += 1
            }
            return accepted
        }
    }
}
