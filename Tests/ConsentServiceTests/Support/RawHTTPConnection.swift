import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to a loopback port, driven byte by byte: for requests no well-behaved client sends
/// (heads dribbled slowly, oversized headers) and for seeing whether the server closed the connection.
final class RawHTTPConnection: @unchecked Sendable {
    enum Answer: Equatable, CustomStringConvertible {
        /// The status line's code and the bytes of the head and body read so far.
        case response(status: Int, text: String)
        /// The server closed (or reset) the connection without answering.
        case closed
        case timedOut

        var status: Int? {
            if case .response(let status, _) = self { return status }
            return nil
        }

        var description: String {
            switch self {
            case .response(let status, let text): "\(status): \(text.prefix(300))"
            case .closed: "closed"
            case .timedOut: "timed out"
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let descriptor: Int32
    private let lock = NSLock()
    private var isOpen = true

    /// `receiveBuffer` fixes the socket's receive buffer (set before connecting, so the window is sized for it):
    /// a client that stops reading then stops the server's writes after that much instead of after the
    /// kernel's autotuned megabytes.
    init(port: Int, receiveBuffer: Int? = nil) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        if var size = receiveBuffer.map(Int32.init) {
            guard setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                close(descriptor)
                throw Failure(description: "setsockopt(SO_RCVBUF) failed: \(errno)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure(description: "connect() failed: \(errno)")
        }
        self.descriptor = descriptor
    }

    deinit { shutDown() }

    func shutDown() {
        lock.withLock {
            if isOpen { close(descriptor) }
            isOpen = false
        }
    }

    /// Writes all of `bytes`; false once the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads and drops what arrives until at least `count` bytes have, or the server closes; returns how many
    /// arrived. For a client that hangs up part way through a long answer.
    func receive(atLeast count: Int) -> Int {
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received < count {
            let read = recv(descriptor, &buffer, buffer.count, 0)
            if read < 0, errno == EINTR { continue }
            if read <= 0 { break }
            received += read
        }
        return received
    }

    /// Reads until a whole response (its head, and a body of its Content-Length) has arrived, the server closes
    /// the connection, or `timeout` passes. Blocks the calling thread: call it through ``answer(timeout:)``.
    func readAnswer(timeout: Double) -> Answer {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let complete = Self.completeResponse(received) { return complete }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return .timedOut }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, remaining * 1000)))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return .timedOut }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                return Self.completeResponse(received, atEnd: true) ?? .closed
            }
            received += buffer[0..<count]
        }
    }

    func answer(timeout: Double) async -> Answer {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.readAnswer(timeout: timeout)) }
        }
    }

    /// A response once its head and its Content-Length of body are in (or, at the end of the stream, whatever
    /// head arrived).
    static func completeResponse(_ bytes: [UInt8], atEnd: Bool = false) -> Answer? {
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "content-length" else { return nil }
            return Int(pair[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let body = bytes[headEnd.upperBound...]
        guard body.count >= length || atEnd else { return nil }
        return .response(status: status, text: String(decoding: bytes, as: UTF8.self))
    }
}
