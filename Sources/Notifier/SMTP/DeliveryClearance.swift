/// Asked right before a message is handed over, after any wait for a connection: false keeps it back unsent
/// (what it was for may have ended meanwhile).
public typealias DeliveryClearance = @Sendable () async -> Bool
