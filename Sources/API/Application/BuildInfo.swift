/// The service's version, reported by `/health`, `/metrics` and `cci --version`.
public enum BuildInfo {
    public static let version = "0.1.0"
}
