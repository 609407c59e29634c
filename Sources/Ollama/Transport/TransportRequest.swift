/// One HTTP exchange for libcurl to perform.
struct TransportRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }

    /// How the request timeout applies.
    enum Deadline: Sendable {
        /// The whole exchange must finish within the duration.
        case total(Duration)
        /// The answer may take as long as it likes while bytes keep coming; the duration
        /// bounds each silence (the wait for the first byte included). For streams, whose
        /// length depends on how much the model writes.
        case idle(Duration)
    }

    var method: Method
    var url: String
    var body: [UInt8]?
    var deadline: Deadline
    var connectTimeout: Duration

    /// The silence allowed by an idle deadline; `nil` for a total one (curl enforces that).
    var idleLimit: Duration? {
        if case .idle(let limit) = deadline { return limit }
        return nil
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 for a positive duration (curl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return self > .zero ? max(1, Int(millis)) : 0
    }
}
