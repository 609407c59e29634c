/// A request the stand-in refuses, with the status and message Ollama would send.
struct StandInRejection: Error {
    let status: Int
    let message: String

    static func modelRequired() -> StandInRejection {
        StandInRejection(status: 400, message: "model is required")
    }

    /// Chat, generate and embed for a model that is not installed.
    static func modelNotFound(_ name: String) -> StandInRejection {
        StandInRejection(status: 404, message: "model \"\(name)\" not found, try pulling it first")
    }

    static func unsupported(_ name: String, _ what: String) -> StandInRejection {
        StandInRejection(status: 400, message: "\"\(name)\" does not support \(what)")
    }

    /// A prompt longer than the context, sent with `"truncate": false`.
    static func inputTooLong() -> StandInRejection {
        StandInRejection(status: 400, message: "input length exceeds the context length")
    }

    static func invalid(_ message: String) -> StandInRejection {
        StandInRejection(status: 400, message: message)
    }
}
