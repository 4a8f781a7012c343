import CLibPQ

extension PGConnection {
    /// Streams rows into `COPY … FROM STDIN`. Each element is one row in the COPY format the statement
    /// names (text by default, or CSV); a newline is added when the row does not end with one.
    /// Returns the number of rows the server stored.
    public func copyIn(
        _ sql: String, rows: some Sequence<[UInt8]>, file: String = #fileID, line: Int = #line
    ) throws -> Int {
        try startCopy(sql, expecting: PGRES_COPY_IN, file: file, line: line)
        // Batch rows so each libpq call carries a useful amount of data.
        let batchSize = 64 * 1024
        var batch: [UInt8] = []
        batch.reserveCapacity(batchSize + 1024)
        var sent = true
        for row in rows {
            batch.append(contentsOf: row)
            if row.last != UInt8(ascii: "\n") { batch.append(UInt8(ascii: "\n")) }
            if batch.count >= batchSize {
                sent = sendCopyData(batch)
                guard sent else { break }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if sent, !batch.isEmpty { sent = sendCopyData(batch) }
        // On a failed send the session is gone; ending the copy still lets libpq settle its state.
        _ = PQputCopyEnd(handle, nil)
        return try finishCopy(file: file, line: line)
    }

    /// Streams the output of `COPY … TO STDOUT` to `onChunk`, one row's bytes (newline included) per call.
    /// If `onChunk` throws, the server is asked to stop, the rest is discarded, and the error is rethrown,
    /// leaving the connection usable. Returns the number of rows the server sent.
    public func copyOut(
        _ sql: String, file: String = #fileID, line: Int = #line, _ onChunk: ([UInt8]) throws -> Void
    ) throws -> Int {
        try startCopy(sql, expecting: PGRES_COPY_OUT, file: file, line: line)
        var consumerError: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            guard length > 0, let buffer else { break }  // -1: done, -2: failed; finishCopy tells which
            defer { PQfreemem(buffer) }
            guard consumerError == nil else { continue }
            do {
                try onChunk(Array(UnsafeRawBufferPointer(start: buffer, count: Int(length))))
            } catch {
                consumerError = error
                PGCancelRequest(connection: handle)?.send()
            }
        }
        let rows = Result { try finishCopy(file: file, line: line) }
        if let consumerError { throw consumerError }
        return try rows.get()
    }

    private func startCopy(_ sql: String, expecting expected: ExecStatusType, file: String, line: Int) throws {
        guard let raw = PQexec(handle, sql) else {
            throw error(from: nil, code: .copyFailed, file: file, line: line)
        }
        let result = PGResult(handle: raw)
        switch result.status {
        case expected:
            return
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            throw PGError(.copyFailed, context: "the statement is not the expected kind of COPY", file: file, line: line)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(result.status)
            throw PGError(.copyFailed, context: "the statement is not the expected kind of COPY", file: file, line: line)
        default:
            throw error(from: result, code: .copyFailed, file: file, line: line)
        }
    }

    private func sendCopyData(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                PQputCopyData(handle, chars.baseAddress, Int32(chars.count)) == 1
            }
        }
    }

    /// Collects the COPY's closing result and returns its row count.
    private func finishCopy(file: String, line: Int) throws -> Int {
        var outcome: Result<Int, PGError> = .failure(
            PGError(.copyFailed, context: "the server sent no result for the COPY", file: file, line: line))
        while let raw = PQgetResult(handle) {
            let result = PGResult(handle: raw)
            switch result.status {
            case PGRES_COMMAND_OK:
                outcome = .success(result.affectedRows)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // libpq only stays in COPY here when it could not end it, i.e. the session failed.
                return try outcome.get()
            default:
                outcome = .failure(error(from: result, code: .copyFailed, file: file, line: line))
            }
        }
        return try outcome.get()
    }

    /// Gets the session out of a COPY nobody asked for, so it can run the next statement.
    func abandonCopy(_ status: ExecStatusType) {
        switch status {
        case PGRES_COPY_IN:
            _ = PQputCopyEnd(handle, "COPY FROM STDIN is only supported through copyIn")
        case PGRES_COPY_OUT:
            PGCancelRequest(connection: handle)?.send()
            while true {
                var buffer: UnsafeMutablePointer<CChar>?
                let length = PQgetCopyData(handle, &buffer, 0)
                if let buffer { PQfreemem(buffer) }
                if length < 0 { break }
            }
        default:
            // COPY BOTH is replication only; there is no clean way out but closing the session.
            return
        }
        while let raw = PQgetResult(handle) {
            let status = PGResult(handle: raw).status
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { return }
        }
    }
}
