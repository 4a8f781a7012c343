/// The pool's bookkeeping, kept free of effects so every transition happens under one lock and the
/// resulting wake-ups happen after it is released.
struct PGPoolState: Sendable {
    typealias SlotContinuation = CheckedContinuation<PGConnectionSlot, any Error>

    enum Phase: Sendable {
        case open
        /// No new leases; waiting for the leased connections to come back.
        case closing
        case closed
    }

    private struct Waiter: Sendable {
        let id: Int
        /// nil until the waiting task has suspended; it may be served or failed before that.
        var continuation: SlotContinuation?
    }

    private(set) var phase = Phase.open
    /// Slots nobody holds; the most recently returned is reused first, so a quiet service keeps few sessions busy.
    private var idle: [PGConnectionSlot]
    private var leasedCount = 0
    /// Tasks waiting for a slot, oldest first.
    private var waiters: [Waiter] = []
    /// Leases queued for a connection; read by tests to order events without sleeping.
    var waiterCount: Int { waiters.count }
    var leased: Int { leasedCount }
    private var nextWaiterID = 0
    /// Outcomes decided for waiters that had not suspended yet.
    private var undeliveredOutcomes: [Int: Result<PGConnectionSlot, any Error>] = [:]
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    init(slots: [PGConnectionSlot]) {
        // Reversed so that slot 0 is handed out first; purely cosmetic for logs.
        idle = slots.reversed()
    }

    enum AcquireDecision {
        case leased(PGConnectionSlot)
        case wait(id: Int)
        case closed
    }

    mutating func acquire() -> AcquireDecision {
        guard phase == .open else { return .closed }
        if let slot = idle.popLast() {
            leasedCount += 1
            return .leased(slot)
        }
        let id = nextWaiterID
        nextWaiterID += 1
        waiters.append(Waiter(id: id, continuation: nil))
        return .wait(id: id)
    }

    /// Records where to deliver the waiter's slot; returns the outcome at once if it was already decided.
    mutating func park(
        waiterID id: Int, continuation: SlotContinuation
    ) -> Result<PGConnectionSlot, any Error>? {
        if let outcome = undeliveredOutcomes.removeValue(forKey: id) { return outcome }
        guard let index = waiters.firstIndex(where: { $0.id == id }) else {
            preconditionFailure("waiter \(id) is neither queued nor served")
        }
        waiters[index].continuation = continuation
        return nil
    }

    /// Gives up on a waiter (timeout, cancellation). Returns the continuation to fail if the waiter was
    /// still queued and suspended; a waiter that already got its slot keeps it.
    mutating func fail(waiterID id: Int, with error: any Error) -> SlotContinuation? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        let waiter = waiters.remove(at: index)
        guard let continuation = waiter.continuation else {
            undeliveredOutcomes[id] = .failure(error)
            return nil
        }
        return continuation
    }

    enum ReleaseAction {
        case none
        case handOver(PGConnectionSlot, to: SlotContinuation)
        case drained([CheckedContinuation<Void, Never>])
    }

    mutating func release(_ slot: PGConnectionSlot) -> ReleaseAction {
        if !waiters.isEmpty {
            // Straight to the oldest waiter: the slot stays leased, so nobody can overtake the queue.
            let waiter = waiters.removeFirst()
            guard let continuation = waiter.continuation else {
                undeliveredOutcomes[waiter.id] = .success(slot)
                return .none
            }
            return .handOver(slot, to: continuation)
        }
        leasedCount -= 1
        idle.append(slot)
        if phase == .closing, leasedCount == 0, !drainWaiters.isEmpty {
            defer { drainWaiters = [] }
            return .drained(drainWaiters)
        }
        return .none
    }

    struct CloseStart {
        /// Whether this caller does the closing; later callers wait for it.
        var isFirst: Bool
        var waitersToFail: [SlotContinuation]
    }

    /// Stops handing out slots. Queued waiters fail with `error`.
    mutating func beginClose(failingWaitersWith error: any Error) -> CloseStart {
        guard phase == .open else { return CloseStart(isFirst: false, waitersToFail: []) }
        phase = .closing
        var toFail: [SlotContinuation] = []
        for waiter in waiters {
            if let continuation = waiter.continuation {
                toFail.append(continuation)
            } else {
                undeliveredOutcomes[waiter.id] = .failure(error)
            }
        }
        waiters = []
        return CloseStart(isFirst: true, waitersToFail: toFail)
    }

    /// Returns true when every slot is already back, else resumes `continuation` when the last one is.
    mutating func waitForDrain(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        guard leasedCount > 0 else { return true }
        drainWaiters.append(continuation)
        return false
    }

    /// Every slot, for closing their connections; only valid once drained.
    var allSlots: [PGConnectionSlot] {
        precondition(leasedCount == 0, "slots are still leased")
        return idle
    }

    mutating func finishClose() -> [CheckedContinuation<Void, Never>] {
        phase = .closed
        defer { closeWaiters = [] }
        return closeWaiters
    }

    /// Returns true when closing already finished, else resumes `continuation` when it does.
    mutating func waitForClose(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        guard phase != .closed else { return true }
        closeWaiters.append(continuation)
        return false
    }
}
