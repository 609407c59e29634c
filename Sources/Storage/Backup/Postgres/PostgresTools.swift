import Foundation

/// Finds PostgreSQL's command-line tools (`pg_dump`, `pg_restore`, `psql`) and checks that
/// they can work with the server: a dump is only safe from a `pg_dump` whose major version
/// is at least the server's, and `pg_restore` reads only archives of its own or older
/// versions.
public struct PostgresTools: Sendable {
    /// Folders searched, in order.
    public let directories: [String]

    public init(directories: [String]) {
        self.directories = directories
    }

    /// The folders of `PATH`, then Debian's `/usr/lib/postgresql/<major>/bin`, newest first.
    public static func defaultDirectories(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> [String] {
        let fromPath = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        return fromPath + versions.map { "\(root)/\($0)/bin" }
    }

    /// A tool found on disk and the version it reports.
    public struct Tool: Sendable, Equatable {
        public let name: String
        public let path: String
        /// As `--version` prints it, e.g. `15.18`.
        public let version: String
        /// The major version: 15 for `15.18`, 9 for `9.6.24` (compared like the server's).
        public let major: Int
    }

    /// The first `name` in ``directories`` whose major version is at least `serverMajor`.
    ///
    /// Throws ``BackupError/toolsUnavailable(_:)`` naming what was found when none fits.
    public func locate(_ name: String, serverMajor: Int) async throws -> Tool {
        var tooOld: [Tool] = []
        var seen = Set<String>()
        for directory in directories {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard seen.insert(path).inserted, FileManager.default.isExecutableFile(atPath: path) else { continue }
            guard let tool = try? await version(of: path, name: name) else { continue }
            if tool.major >= serverMajor { return tool }
            tooOld.append(tool)
        }
        if let newest = tooOld.max(by: { $0.major < $1.major }) {
            throw BackupError.toolsUnavailable(
                "\(name) \(newest.version) (\(newest.path)) is older than the PostgreSQL \(serverMajor) server; "
                    + "install the PostgreSQL \(serverMajor) client tools or newer")
        }
        throw BackupError.toolsUnavailable(
            "\(name) not found (searched PATH and /usr/lib/postgresql/*/bin); install the PostgreSQL \(serverMajor) client tools")
    }

    /// Runs `path --version` and parses `name (PostgreSQL) 15.18 ...`.
    func version(of path: String, name: String) async throws -> Tool? {
        let result = try await ToolProcess.run(path, ["--version"])
        guard result.status == 0, let version = Self.parseVersion(result.output) else { return nil }
        return Tool(name: name, path: path, version: version, major: Self.major(ofVersion: version))
    }

    /// The version number in `pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
    public static func parseVersion(_ text: String) -> String? {
        guard let marker = text.range(of: "(PostgreSQL) ") else { return nil }
        let version = text[marker.upperBound...].prefix { $0.isNumber || $0 == "." }
        return version.first?.isNumber == true ? String(version) : nil
    }

    /// 15 for `15.18`, 9 for `9.6.24`.
    public static func major(ofVersion version: String) -> Int {
        Int(version.split(separator: ".").first ?? "") ?? 0
    }

    /// The major version of a server's `server_version_num` (150018 → 15).
    public static func major(ofServerVersionNumber number: Int) -> Int {
        number / 10_000
    }
}
