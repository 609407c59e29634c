#!/usr/bin/env bash
# Builds and deploys Claude Code Intelligence: single node (compose), a compose cluster,
# or Kubernetes. Run from anywhere; paths are relative to the repository. See
# docs/deployment.md.
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$DEPLOY_DIR")"
readonly DEPLOY_DIR REPO_DIR

IMAGE_NAME="${CCI_IMAGE_NAME:-claude-code-intelligence}"
K8S_DIR="${CCI_K8S_DIR:-$DEPLOY_DIR/kubernetes}"
K8S_NAMESPACE="${CCI_NAMESPACE:-claude-code-intelligence}"
K8S_TIMEOUT="${CCI_K8S_TIMEOUT:-300}"
readonly IMAGE_NAME K8S_DIR K8S_NAMESPACE K8S_TIMEOUT

usage() {
    cat <<EOF
Usage: $(basename "$0") COMMAND [ARGS]

  build [TAG]             docker build -f deployments/docker/Dockerfile -t ${IMAGE_NAME}:TAG .
                          (TAG defaults to latest)
  compose [up|down]       single node: one cci on SQLite (deployments/docker-compose.yml)
  cluster [up|down]       PostgreSQL, Redis, migration, 2 replicas, nginx
                          (deployments/docker-compose.cluster.yml)
  k8s [apply|delete|status]
                          apply: config and data stores, then the migration Job (waits for
                          it), then the Deployment (waits for the rollout).
                          delete: removes what apply created except the namespace, the
                          Secret and the PostgreSQL volume.

Environment:
  CCI_IMAGE        image for compose (default ${IMAGE_NAME}:latest)
  CCI_PORT         host port for compose (default 8080)
  COMPOSE_PROFILES=ollama   also run Ollama with the single node
  CCI_K8S_DIR      kustomize folder or overlay (default deployments/kubernetes)
  CCI_NAMESPACE    Kubernetes namespace (default claude-code-intelligence)
  CCI_K8S_TIMEOUT  seconds to wait for each Kubernetes step (default 300)

'down' keeps the volumes; remove them with: docker compose -p cci down -v
EOF
}

die() {
    echo "error: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed or not in PATH${2:+ ($2)}"
}

# The compose command: the docker plugin, else the standalone docker-compose.
COMPOSE=()
find_compose() {
    if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
        COMPOSE=(docker compose)
    elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE=(docker-compose)
    else
        die "Docker Compose is required: install the docker compose plugin (https://docs.docker.com/compose/install/)"
    fi
}

# wait_healthy PROJECT FILE SERVICE: waits until the service's container reports healthy.
wait_healthy() {
    local project=$1 file=$2 service=$3 deadline container status
    deadline=$((SECONDS + 300))
    echo "waiting for $service to become healthy..."
    while ((SECONDS < deadline)); do
        container=$("${COMPOSE[@]}" -p "$project" -f "$file" ps -q "$service" 2>/dev/null | head -n1)
        if [[ -n "$container" ]]; then
            status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$container" 2>/dev/null || true)
            case "$status" in
                healthy) echo "$service is healthy"; return 0 ;;
                exited|dead) break ;;
            esac
        fi
        sleep 3
    done
    "${COMPOSE[@]}" -p "$project" -f "$file" ps >&2 || true
    "${COMPOSE[@]}" -p "$project" -f "$file" logs --tail 50 >&2 || true
    die "$service did not become healthy"
}

cmd_build() {
    local tag=${1:-latest}
    need docker
    cd "$REPO_DIR"
    # BuildKit reads deployments/docker/Dockerfile.dockerignore.
    DOCKER_BUILDKIT=1 docker build -f deployments/docker/Dockerfile -t "${IMAGE_NAME}:${tag}" .
    echo "built ${IMAGE_NAME}:${tag}"
}

compose_stack() {
    local project=$1 file=$2 entry=$3 action=${4:-}
    need docker
    find_compose
    case "$action" in
        up)
            "${COMPOSE[@]}" -p "$project" -f "$file" up -d --build
            wait_healthy "$project" "$file" "$entry"
            echo "serving on http://localhost:${CCI_PORT:-8080}"
            if [[ -z "${ADMIN_API_KEY:-}" ]]; then
                echo "first start: the admin key is printed once in the log:"
                echo "  ${COMPOSE[*]} -p $project -f $file logs | grep -A1 'Default admin API key'"
            fi
            ;;
        down)
            "${COMPOSE[@]}" -p "$project" -f "$file" down
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

cmd_compose() {
    # With the ollama profile, point cci at it unless told otherwise.
    if [[ ",${COMPOSE_PROFILES:-}," == *",ollama,"* && -z "${OLLAMA_HOST:-}" ]]; then
        export OLLAMA_HOST=http://ollama:11434
    fi
    compose_stack cci "$DEPLOY_DIR/docker-compose.yml" cci "${1:-}"
}

cmd_cluster() {
    compose_stack cci-cluster "$DEPLOY_DIR/docker-compose.cluster.yml" nginx "${1:-}"
}

kube() {
    kubectl -n "$K8S_NAMESPACE" "$@"
}

# Waits for the migration Job; shows its log and fails if it failed.
wait_for_job() {
    local job=$1 deadline succeeded failed
    deadline=$((SECONDS + K8S_TIMEOUT))
    echo "waiting for job/$job..."
    while ((SECONDS < deadline)); do
        succeeded=$(kube get job "$job" -o jsonpath='{.status.succeeded}' 2>/dev/null || true)
        failed=$(kube get job "$job" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}' 2>/dev/null || true)
        if [[ "${succeeded:-0}" -ge 1 ]]; then
            kube logs "job/$job" --tail 20 || true
            return 0
        fi
        if [[ "$failed" == "True" ]]; then
            kube logs "job/$job" --tail 50 >&2 || true
            die "job/$job failed; the Deployment was not changed"
        fi
        sleep 3
    done
    kube logs "job/$job" --tail 50 >&2 || true
    die "job/$job did not finish within ${K8S_TIMEOUT}s; the Deployment was not changed"
}

cmd_k8s() {
    local action=${1:-}
    need kubectl "https://kubernetes.io/docs/tasks/tools/"
    [[ -f "$K8S_DIR/kustomization.yaml" ]] || die "no kustomization.yaml in $K8S_DIR"
    case "$action" in
        apply)
            # 1. The namespace (no component label), then the Secret must exist.
            kubectl apply -k "$K8S_DIR" -l '!app.kubernetes.io/component'
            kube get secret cci-secrets >/dev/null 2>&1 ||
                die "secret cci-secrets is missing in namespace $K8S_NAMESPACE: create it from deployments/kubernetes/secret.example.yaml (docs/deployment.md)"
            # 2. Configuration and (dev) data stores: everything but api and migration.
            kubectl apply -k "$K8S_DIR" -l 'app.kubernetes.io/component notin (api,migration)'
            local sts
            for sts in $(kube get statefulset -l app.kubernetes.io/part-of=claude-code-intelligence -o name); do
                kube rollout status "$sts" --timeout="${K8S_TIMEOUT}s"
            done
            # 3. Migrations. A Job's pod template is immutable: replace the previous run.
            kube delete job cci-migrate --ignore-not-found --wait=true
            kubectl apply -k "$K8S_DIR" -l app.kubernetes.io/component=migration
            wait_for_job cci-migrate
            # 4. The API, rolled one pod at a time (maxUnavailable 0).
            kubectl apply -k "$K8S_DIR" -l app.kubernetes.io/component=api
            kube rollout status deployment/cci --timeout="${K8S_TIMEOUT}s"
            ;;
        delete)
            # Objects with a component label: all but the namespace. The Secret (made by
            # hand) and the PostgreSQL volume claim stay; `kubectl delete namespace` removes all.
            kubectl delete -k "$K8S_DIR" -l app.kubernetes.io/component --ignore-not-found
            ;;
        status)
            kube get deployment,statefulset,job,pod,service,hpa,pdb,pvc -l app.kubernetes.io/part-of=claude-code-intelligence -o wide
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main() {
    local command=${1:-}
    shift || true
    case "$command" in
        build) cmd_build "$@" ;;
        compose) cmd_compose "$@" ;;
        cluster) cmd_cluster "$@" ;;
        k8s) cmd_k8s "$@" ;;
        -h|--help|help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
