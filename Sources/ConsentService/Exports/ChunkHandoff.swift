import Dispatch
import NIOCore
import Synchronization

/// Carries chunks from a producer that blocks (a database pool thread) to an async consumer (the HTTP response),
/// never more than `capacity` chunks ahead: a slow client slows the producer down instead of filling memory.
final class ChunkHandoff: Sendable {
    struct Stopped: Error {}

    /// The client took no chunk for the whole of `stallTimeout`.
    struct ClientStalled: Error, CustomStringConvertible {
        let seconds: Int64
        var description: String { "the client took nothing for \(seconds) s" }
    }

    /// Some bytes, and how many records the producer had finished once they were written.
    struct Chunk: Sendable {
        let bytes: ByteBuffer
        let recordsThrough: Int
    }

    let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation
    private let credits: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)
    /// True while the producer is inside `send`, which blocks it when `capacity` chunks are waiting.
    private let producerSending = Atomic<Bool>(false)
    private let stallTimeout: Duration
    /// What the consumer has written so far: records and bytes.
    private let takenRecords = Atomic<Int>(0)
    private let takenBytes = Atomic<Int>(0)

    init(capacity: Int, stallTimeout: Duration) {
        self.stallTimeout = stallTimeout
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self)
        // Starting at zero and signalling up: libdispatch traps when a semaphore is freed below its initial value,
        // which an export that ends with chunks in flight would otherwise do.
        credits = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { credits.signal() }
    }

    /// Blocks while `capacity` chunks wait for the consumer; throws `Stopped` once the consumer gave up, and
    /// `ClientStalled` when it took nothing for the stall timeout.
    func send(_ chunk: Chunk) throws {
        let (seconds, attoseconds) = stallTimeout.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        producerSending.store(true, ordering: .releasing)
        defer { producerSending.store(false, ordering: .releasing) }
        if credits.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
            stop()
            throw ClientStalled(seconds: seconds)
        }
        guard !stopped.load(ordering: .acquiring) else {
            credits.signal()  // so that every later send also gets past the wait and stops
            throw Stopped()
        }
        continuation.yield(chunk)
    }

    /// The producer has sent everything (or failed): the consumer's loop ends after the last chunk.
    func finish() {
        continuation.finish()
    }

    /// The consumer has written `chunk`.
    func consumed(_ chunk: Chunk) {
        takenRecords.store(chunk.recordsThrough, ordering: .relaxed)
        takenBytes.add(chunk.bytes.readableBytes, ordering: .relaxed)
        credits.signal()
    }

    /// True while the producer is in `send`; with `capacity` chunks waiting, it stays there until one is taken.
    var isProducerSending: Bool { producerSending.load(ordering: .acquiring) }

    /// Records and bytes the consumer has written.
    var taken: (rows: Int, bytes: Int) {
        (takenRecords.load(ordering: .relaxed), takenBytes.load(ordering: .relaxed))
    }

    /// The consumer will take nothing more (the client went away): the producer's next `send` throws.
    func stop() {
        stopped.store(true, ordering: .releasing)
        credits.signal()
        continuation.finish()
    }
}
