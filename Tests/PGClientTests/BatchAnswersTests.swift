import PGClient
import TestSupport
import Testing

@Suite struct BatchAnswersTests {
    @Test func aResultWithOneRowPerQuestionIsKeptAndAnyOtherCountFailsTheBatch() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                let three = "SELECT n FROM unnest($1::int[]) AS a(n) WHERE n > 0"
                let kept = try connection.query(three, [PGTextArray(["1", "2", "3"])]).oneRowPerQuestion(asked: 3)
                #expect(try kept.map { try $0.decode(Int.self, 0) } == [1, 2, 3])
                // A statement that drops a question's row (here the filter) must not shift later answers.
                let short = try connection.query(three, [PGTextArray(["1", "-2", "3"])])
                #expect {
                    try short.oneRowPerQuestion(asked: 3)
                } throws: { error in
                    let count = error as? BatchAnswerCountError
                    return count?.asked == 3 && count?.answered == 2
                }
                #expect(throws: BatchAnswerCountError.self) { try kept.oneRowPerQuestion(asked: 2) }
            }
        }
    }
}
