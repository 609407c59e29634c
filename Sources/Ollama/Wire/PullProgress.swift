/// One status line of `/api/pull`: `pulling manifest`, `pulling <digest>` with byte
/// counts, `verifying sha256 digest`, `writing manifest`, and finally `success`.
public struct PullProgress: Sendable, Hashable, Decodable {
    public var status: String
    public var digest: String?
    /// Bytes of the layer being downloaded.
    public var total: Int64?
    /// Bytes of it downloaded so far.
    public var completed: Int64?

    /// `true` on the last line of a successful pull.
    public var isSuccess: Bool { status == "success" }

    public init(status: String, digest: String? = nil, total: Int64? = nil, completed: Int64? = nil) {
        self.status = status
        self.digest = digest
        self.total = total
        self.completed = completed
    }
}
