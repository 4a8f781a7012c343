import Foundation

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
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        // Non-blocking, so that counting takes what is queued and never waits for more.
        guard bound == 0, named == 0, listen(descriptor, 64) == 0, fcntl(descriptor, F_SETFL, O_NONBLOCK) == 0 else {
            close(descriptor)
            throw Failure(description: "could not listen on loopback: \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
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
