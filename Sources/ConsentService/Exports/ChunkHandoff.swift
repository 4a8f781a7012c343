import Dispatch
import NIOCore
import Synchronization

/// Carries chunks from a producer that blocks (a database pool thread) to an async consumer (the HTTP response),
/// never more than `capacity` chunks ahead: a slow client slows the producer down instead of filling memory.
final class ChunkHandoff: Sendable {
    struct Stopped: Error {}

    /// Some bytes, and how many records the producer had finished once they were written.
    struct Chunk: Sendable {
        let bytes: ByteBuffer
        let recordsThrough: Int
    }

    let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation
    private let credits: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)

    init(capacity: Int) {
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self)
        // Starting at zero and signalling up: libdispatch traps when a semaphore is freed below its initial value,
        // which an export that ends with chunks in flight would otherwise do.
        credits = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { credits.signal() }
    }

    /// Blocks while `capacity` chunks wait for the consumer; throws `Stopped` once the consumer gave up.
    func send(_ chunk: Chunk) throws {
        credits.wait()
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

    /// The consumer has written one chunk.
    func consumed() {
        credits.signal()
    }

    /// The consumer will take nothing more (the client went away): the producer's next `send` throws.
    func stop() {
        stopped.store(true, ordering: .releasing)
        credits.signal()
        continuation.finish()
    }
}
