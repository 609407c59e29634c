# Sourced by the other scripts: puts Swift on PATH when it lives in /opt/swift.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

# Builds a release product the way the Docker image does (deployments/docker/Dockerfile):
# with the Swift runtime and Foundation linked in, so what runs here is what ships (it also
# starts ~7 ms sooner, and a corpus import runs ~4% faster). One set of flags for every
# release build, or each switch rebuilds the packages.
build_release() {
    local product
    for product in "$@"; do swift build -c release --static-swift-stdlib --product "$product"; done
}

# The folder of the release binaries.
release_bin() {
    swift build -c release --static-swift-stdlib --show-bin-path
}
