#!/usr/bin/env bash
# Validates deployments/ without a Docker engine or a cluster:
#   - YAML, Kubernetes objects, compose files, Dockerfile and their consistency
#     (Tests/DeploymentTests/check_deployments.py; needs python3 with PyYAML);
#   - bash -n and shellcheck on the scripts, nginx -t on the nginx configuration;
#   - the Dockerfile's apt packages exist (apt-cache, on Debian bookworm);
#   - when installed: kubectl kustomize, kubernetes-validate, hadolint, check-jsonschema,
#     docker compose config.
# Prints a line per check and ends with "N passed, M failed"; exits 1 on any failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cci-validate.XXXXXX")"
readonly WORK
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
skipped=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
fail() {
    echo "FAIL $1${2:+: $2}"
    failed=$((failed + 1))
}

# check NAME COMMAND...: one check; the command's output is shown only when it fails.
check() {
    local name=$1
    shift
    if "$@" >"$WORK/out" 2>&1; then
        pass "$name"
    else
        fail "$name"
        sed 's/^/    /' "$WORK/out" | head -n 40
    fi
}

have() { command -v "$1" >/dev/null 2>&1; }

# --- manifests, compose files, Dockerfile (python) ---------------------------------------
if have python3 && python3 -c 'import yaml' 2>/dev/null; then
    status=0
    python3 Tests/DeploymentTests/check_deployments.py >"$WORK/py" 2>/dev/null || status=$?
    while IFS= read -r line; do
        case "$line" in
            PASS\ *) pass "${line#PASS }" ;;
            FAIL\ *) echo "$line"; failed=$((failed + 1)) ;;
            SKIP\ *) echo "$line"; skipped=$((skipped + 1)) ;;
            *) echo "$line" ;;
        esac
    done <"$WORK/py"
    if ((status != 0)) && ! grep -q '^FAIL ' "$WORK/py"; then
        fail "check_deployments.py" "exited with status $status"
    fi
else
    fail "python3 with PyYAML" "required for the manifest checks (apt-get install python3-yaml)"
fi

# --- shell scripts ---------------------------------------------------------------------
for script in deployments/deploy.sh deployments/validate.sh; do
    check "bash -n $script" bash -n "$script"
    if have shellcheck; then
        check "shellcheck $script" shellcheck "$script"
    else
        skip "shellcheck $script" "shellcheck not installed (apt-get install shellcheck)"
    fi
done

# --- nginx -------------------------------------------------------------------------------
if have nginx; then
    # The compose host names do not resolve here: point the upstream servers at loopback,
    # and keep nginx's temporary files inside the scratch folder.
    mkdir -p "$WORK/nginx/logs"
    sed -E \
        -e 's/^([[:space:]]*server[[:space:]]+)[A-Za-z0-9.-]+(:[0-9]+)/\1127.0.0.1\2/' \
        -e "s|^http \\{|http {\\n    client_body_temp_path $WORK/nginx/body;\\n    proxy_temp_path $WORK/nginx/proxy;\\n    fastcgi_temp_path $WORK/nginx/fastcgi;\\n    uwsgi_temp_path $WORK/nginx/uwsgi;\\n    scgi_temp_path $WORK/nginx/scgi;|" \
        -e "s|^pid .*|pid $WORK/nginx/nginx.pid;|" \
        deployments/nginx/nginx.conf >"$WORK/nginx/nginx.conf"
    check "nginx -t deployments/nginx/nginx.conf" \
        nginx -t -q -p "$WORK/nginx/" -e stderr -c "$WORK/nginx/nginx.conf"
else
    skip "nginx -t" "nginx not installed (apt-get install nginx)"
fi

# --- apt packages of the Dockerfile ----------------------------------------------------
codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null || true)
if ! have apt-cache; then
    skip "Dockerfile apt packages" "apt-cache not available"
elif [[ "$codename" != bookworm ]]; then
    skip "Dockerfile apt packages" "this machine is not Debian bookworm (package names differ)"
elif ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    skip "Dockerfile apt packages" "no apt package lists (run apt-get update)"
else
    for package in $(python3 Tests/DeploymentTests/check_deployments.py --apt-packages); do
        check "apt package $package exists in bookworm" apt-cache show --no-all-versions "$package"
    done
fi

# --- optional tools ----------------------------------------------------------------------
render_kustomize() { kubectl kustomize deployments/kubernetes >"$WORK/rendered.yaml"; }
if have kubectl; then
    check "kubectl kustomize deployments/kubernetes" render_kustomize
    if [[ -s "$WORK/rendered.yaml" ]]; then
        check "rendered objects are all in the namespace" python3 - "$WORK/rendered.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
bad = [f"{d['kind']}/{d['metadata']['name']}" for d in docs
       if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "claude-code-intelligence"]
if bad or len(docs) < 10:
    sys.exit(f"outside the namespace: {bad}; {len(docs)} objects")
EOF
    fi
else
    skip "kubectl kustomize" "kubectl not installed"
fi

if have kubernetes-validate; then
    # The rendered manifests (namespace and labels applied), else the files themselves.
    k8s_files=()
    if [[ -s "$WORK/rendered.yaml" ]]; then
        k8s_files=("$WORK/rendered.yaml" deployments/kubernetes/secret.example.yaml)
    else
        for file in deployments/kubernetes/*.yaml; do
            [[ "$file" == */kustomization.yaml ]] || k8s_files+=("$file")
        done
    fi
    check "kubernetes-validate --strict (Kubernetes schemas)" \
        kubernetes-validate --strict --quiet "${k8s_files[@]}"
else
    skip "kubernetes-validate" "not installed (pip install kubernetes-validate)"
fi

if have hadolint; then
    check "hadolint deployments/docker/Dockerfile" hadolint deployments/docker/Dockerfile
else
    skip "hadolint" "not installed (it is not packaged in Debian)"
fi

compose_files=(deployments/docker-compose.yml deployments/docker-compose.cluster.yml)
if have check-jsonschema; then
    check "compose files match the Compose Specification schema" \
        check-jsonschema --builtin-schema vendor.compose-spec "${compose_files[@]}"
else
    skip "compose schema" "check-jsonschema not installed (pip install check-jsonschema)"
fi

if have docker && docker compose version >/dev/null 2>&1; then
    for file in "${compose_files[@]}"; do
        if docker compose -f "$file" config -q >"$WORK/out" 2>&1; then
            pass "docker compose -f $file config -q"
        elif grep -qi 'daemon\|docker.sock' "$WORK/out"; then
            skip "docker compose -f $file config" "needs a Docker engine here"
        else
            fail "docker compose -f $file config -q"
            sed 's/^/    /' "$WORK/out" | head -n 20
        fi
    done
else
    skip "docker compose config" "the docker compose plugin is not installed"
fi

((skipped == 0)) || echo "($skipped skipped: see SKIP lines)"
echo "$passed passed, $failed failed"
((failed == 0))
