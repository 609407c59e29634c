import Crypto
import Foundation

/// One numbered SQL file of `migrations/<backend>/`, e.g. `0001_sessions.sql`.
public struct MigrationFile: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file's bytes, hex; an applied file whose checksum changes is refused.
    public let checksum: String

    public let fileName: String

    /// Reads every migration of `backend` under `directory`, ordered by version.
    ///
    /// Files must be named `NNNN_name.sql`; any other `.sql` file, or two files with one
    /// number, is an error rather than something silently skipped.
    public static func load(from directory: String, backend: StorageBackend) throws -> [MigrationFile] {
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(backend.rawValue)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw StorageError.migration("migrations folder \(folder.path) not found (set database.migrations_dir or --dir)")
        }
        var files: [MigrationFile] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw StorageError.migration("migration file \(fileName) is not named NNNN_name.sql")
            }
            let data = try Data(contentsOf: folder.appendingPathComponent(fileName))
            guard let sql = String(data: data, encoding: .utf8) else {
                throw StorageError.migration("migration file \(fileName) is not UTF-8")
            }
            if let clash = files.first(where: { $0.version == version }) {
                throw StorageError.migration("migrations \(clash.fileName) and \(fileName) share version \(version)")
            }
            let checksum = SHA256.hash(data: data).hexString
            files.append(MigrationFile(
                version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql,
                checksum: checksum, fileName: fileName))
        }
        return files
    }
}
