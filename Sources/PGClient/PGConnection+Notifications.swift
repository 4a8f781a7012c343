import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A NOTIFY received by a session that LISTENs.
public struct PGNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
}

extension PGConnection {
    /// Subscribes this session to `channel`. Channel names are identifiers chosen by code, never by input;
    /// anything else is refused rather than quoted.
    public func listen(_ channel: String, file: String = #fileID, line: Int = #line) throws {
        guard PGChannelName.isValid(channel) else {
            throw PGError(.queryFailed, context: "a channel name must be lower-case letters, digits and _", file: file, line: line)
        }
        try execute("LISTEN \(channel)", file: file, line: line)
    }

    /// Waits up to `timeoutMilliseconds` for notifications and returns those that arrived (possibly none).
    /// Throws `.connectionLost` when the session died meanwhile.
    public func waitForNotifications(timeoutMilliseconds: Int32, file: String = #fileID, line: Int = #line) throws
        -> [PGNotification]
    {
        var received = drainNotifications()
        guard received.isEmpty else { return received }
        let socket = PQsocket(handle)
        guard socket >= 0 else {
            throw PGError(.connectionLost, context: "the listening session has no socket", file: file, line: line)
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PGError(
                    .connectionLost, context: "the listening session ended", serverMessage: libpqMessage, file: file,
                    line: line)
            }
            received = drainNotifications()
        }
        if isBroken {
            throw PGError(.connectionLost, context: "the listening session ended", file: file, line: line)
        }
        return received
    }

    private func drainNotifications() -> [PGNotification] {
        var received: [PGNotification] = []
        while let raw = PQnotifies(handle) {
            let notification = raw.pointee
            received.append(
                PGNotification(
                    channel: notification.relname.map { String(cString: $0) } ?? "",
                    payload: notification.extra.map { String(cString: $0) } ?? ""))
            PQfreemem(raw)
        }
        return received
    }
}

enum PGChannelName {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || first == UInt8(ascii: "_"),
            name.utf8.count <= 63
        else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}
