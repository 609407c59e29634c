/// The answer of `/api/version`.
struct VersionInfo: Sendable, Decodable {
    let version: String
}
