import CLibPQ

/// libpq's cancel handle for one connection: asks the server, over a separate socket, to stop whatever
/// the connection is running.
final class PGCancelRequest {
    private let handle: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Blocks until the server has received the request; returns false if it could not be sent.
    @discardableResult
    func send() -> Bool {
        var errorBuffer = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &errorBuffer, Int32(errorBuffer.count)) == 1
    }
}
