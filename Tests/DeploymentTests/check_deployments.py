#!/usr/bin/env python3
"""Static checks of deployments/ (Dockerfile, compose files, nginx, Kubernetes manifests).

Prints one line per check: `PASS name`, `FAIL name: reason` or `SKIP name: reason`, and
exits 1 if any check failed. Needs only Python 3 and PyYAML.

    python3 Tests/DeploymentTests/check_deployments.py
    python3 Tests/DeploymentTests/check_deployments.py --apt-packages   # Dockerfile apt packages
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deployments"
K8S = DEPLOY / "kubernetes"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
DOCKERIGNORE = DEPLOY / "docker" / "Dockerfile.dockerignore"
NGINX_CONF = DEPLOY / "nginx" / "nginx.conf"
CONFIG_KEYS = ROOT / "Sources" / "ServiceConfig" / "ConfigKeys.swift"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"

IMAGE = "claude-code-intelligence"
HEALTH_PATHS = {"/live", "/ready", "/health"}
APP_PORT = 8080
# Variables the service reads that are not configuration keys.
EXTRA_ENV = {"CONFIG_FILE", "SWIFT_BACKTRACE"}

failures = 0
passes = 0


def result(name, ok, why=""):
    global failures, passes
    if ok:
        passes += 1
        print(f"PASS {name}")
    else:
        failures += 1
        print(f"FAIL {name}: {why}")
    return ok


def skip(name, why):
    print(f"SKIP {name}: {why}")


# --- YAML with duplicate keys refused (PyYAML keeps the last one silently) -------------

class StrictLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_all(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.load_all(handle, Loader=StrictLoader) if doc is not None]


# --- facts from the service's sources ----------------------------------------------------

def config_keys():
    text = CONFIG_KEYS.read_text(encoding="utf-8")
    envs = set(re.findall(r'env:\s*"([A-Z0-9_]+)"', text))
    paths = set(re.findall(r'ConfigKey\(\s*"([a-z0-9_.]+)"', text))
    return envs, paths


def seconds(text):
    """A duration as the service writes it (250ms, 30s, 5m, 24h, 7d, or plain seconds)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)?", str(text).strip())
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def flatten(node, prefix=""):
    out = {}
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


# --- Dockerfile --------------------------------------------------------------------------

def dockerfile_instructions():
    """(instruction, arguments, stage index) with continuation lines joined."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        lines.append(current)
        current = ""
    out, stage = [], -1
    for line in lines:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            stage += 1
        out.append((word, rest.strip(), stage))
    return out


def apt_packages(instructions):
    """Packages named in `apt-get install` per stage."""
    packages = {}
    for word, rest, stage in instructions:
        if word != "RUN":
            continue
        for match in re.finditer(r"apt-get install ([^&;|]+)", rest):
            names = [t for t in match.group(1).split() if not t.startswith("-")]
            packages.setdefault(stage, []).extend(names)
    return packages


def env_assignments(rest):
    return dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)', rest))


def check_dockerfile(allowed_env):
    name = "Dockerfile"
    if not result(f"{name}: exists", DOCKERFILE.is_file(), "missing"):
        return
    ins = dockerfile_instructions()
    froms = [rest for word, rest, _ in ins if word == "FROM"]
    result(f"{name}: builder stage is swift:6.2-bookworm",
           bool(froms) and re.fullmatch(r"swift:6\.2-bookworm\s+AS\s+builder", froms[0], re.I) is not None,
           f"first FROM is {froms[:1]}")
    result(f"{name}: runtime stage is debian:bookworm-slim",
           bool(froms) and froms[-1].split()[0] == "debian:bookworm-slim", f"last FROM is {froms[-1:]}")
    final = len(froms) - 1
    packages = apt_packages(ins)
    want_build = {"libsqlite3-dev", "libpq-dev", "libcurl4-openssl-dev", "libhiredis-dev", "pkg-config"}
    want_run = {"libsqlite3-0", "libpq5", "libcurl4", "libhiredis0.14", "libstdc++6", "ca-certificates", "curl",
                "postgresql-client-15"}
    got_build, got_run = set(packages.get(0, [])), set(packages.get(final, []))
    result(f"{name}: builder installs the -dev packages", want_build <= got_build,
           f"missing {sorted(want_build - got_build)}")
    result(f"{name}: runtime installs only runtime libraries, ca-certificates, curl and the PostgreSQL client tools",
           got_run == want_run, f"has {sorted(got_run)}, wants {sorted(want_run)}")
    result(f"{name}: runtime removes apt lists",
           any(w == "RUN" and s == final and "rm -rf /var/lib/apt/lists" in r for w, r, s in ins), "no cleanup")

    runtime = [(w, r) for w, r, s in ins if s == final]
    def last(word):
        values = [r for w, r in runtime if w == word]
        return values[-1] if values else None

    user = last("USER") or ""
    uid = user.split(":")[0]
    result(f"{name}: runs as a numeric non-root user", uid.isdigit() and int(uid) != 0, f"USER {user!r}")
    result(f"{name}: WORKDIR /app", last("WORKDIR") == "/app", f"WORKDIR {last('WORKDIR')!r}")
    env = {}
    for w, r in runtime:
        if w == "ENV":
            env.update(env_assignments(r))
    expected = {
        "DATABASE_PATH": "/app/data/claude_code.db",
        "DATABASE_BACKUP_PATH": "/app/backups",
        "DATABASE_MIGRATIONS_DIR": "/app/migrations",
        "CONFIG_FILE": "/app/configs/config.yaml",
    }
    wrong = {k: env.get(k) for k, v in expected.items() if env.get(k) != v}
    result(f"{name}: sets the documented /app paths", not wrong, f"wrong {wrong}")
    unknown = sorted(set(env) - allowed_env)
    result(f"{name}: ENV names are configuration keys", not unknown, f"unknown {unknown}")
    copies = [r.split() for w, r in runtime if w == "COPY"]
    binary = any("--from=builder" in c and any(p.endswith("/cci") for p in c[:-1]) and c[-1] in ("/app/", "/app/cci")
                 for c in copies)
    result(f"{name}: copies the binary to /app/cci", binary, "no COPY --from=builder of cci into /app")
    for target in ("/app/migrations", "/app/configs"):
        result(f"{name}: copies {target}", any(c[-1].rstrip("/") == target for c in copies), "no COPY to it")
    volume = last("VOLUME") or ""
    result(f"{name}: VOLUME /app/data /app/backups", "/app/data" in volume and "/app/backups" in volume, volume)
    result(f"{name}: EXPOSE {APP_PORT}", last("EXPOSE") == str(APP_PORT), f"EXPOSE {last('EXPOSE')!r}")
    health = last("HEALTHCHECK") or ""
    result(f"{name}: HEALTHCHECK on /live", "/live" in health and "curl" in health, health)
    result(f"{name}: STOPSIGNAL SIGTERM", last("STOPSIGNAL") == "SIGTERM", f"{last('STOPSIGNAL')!r}")
    result(f"{name}: ENTRYPOINT [\"/app/cci\"]", last("ENTRYPOINT") == '["/app/cci"]', f"{last('ENTRYPOINT')!r}")
    result(f"{name}: CMD [\"serve\"]", last("CMD") == '["serve"]', f"{last('CMD')!r}")

    # Every file copied from the build context exists and passes the ignore file.
    patterns = [l.strip() for l in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if l.strip() and not l.strip().startswith("#")] if DOCKERIGNORE.is_file() else []
    result(f"{name}: Dockerfile.dockerignore exists", bool(patterns), "missing or empty")
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    sources = []
    for w, r, _ in ins:
        if w != "COPY" or "--from=" in r:
            continue
        parts = [p for p in r.split() if not p.startswith("--")]
        sources.extend(parts[:-1])
    problems = []
    for source in sources:
        required = not source.endswith("*")
        base = source.rstrip("*")
        if required and not (ROOT / base).exists():
            problems.append(f"{source} not in the repository")
        if patterns and patterns[0] == "*" and base not in allowed:
            problems.append(f"{source} excluded by the ignore file")
    result(f"{name}: COPY sources exist and are not ignored", not problems, "; ".join(problems))


# --- Kubernetes --------------------------------------------------------------------------

API_VERSIONS = {
    "Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "Service": "v1",
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "Job": "batch/v1",
    "PodDisruptionBudget": "policy/v1", "HorizontalPodAutoscaler": "autoscaling/v2",
}


def is_app_image(image):
    return image.split("/")[-1].split(":")[0] == IMAGE


def pod_spec(obj):
    return obj.get("spec", {}).get("template", {}).get("spec", {})


def check_probe(label, probe, want_path, port_names):
    get = (probe or {}).get("httpGet", {})
    path, port = get.get("path"), get.get("port")
    result(f"{label} on {want_path}", path == want_path, f"path {path!r}")
    result(f"{label} path is a health endpoint", path in HEALTH_PATHS, f"path {path!r}")
    result(f"{label} port is the app port", port == APP_PORT or port in port_names, f"port {port!r}")


def check_kubernetes(allowed_env, yaml_paths):
    objects = {}  # (kind, name) -> object
    files = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    for path in files:
        try:
            docs = load_all(path)
        except yaml.YAMLError:
            continue  # reported by the parse check
        for index, doc in enumerate(docs):
            meta = doc.get("metadata") or {}
            label = f"k8s {path.name}#{index + 1} {doc.get('kind')}/{meta.get('name')}"
            ok = bool(doc.get("apiVersion")) and bool(doc.get("kind")) and bool(meta.get("name"))
            result(f"{label}: apiVersion, kind, metadata.name", ok, "missing")
            want = API_VERSIONS.get(doc.get("kind"))
            result(f"{label}: apiVersion {want}", doc.get("apiVersion") == want,
                   f"is {doc.get('apiVersion')!r}")
            objects[(doc.get("kind"), meta.get("name"))] = doc

    # kustomization
    kustomization = load_all(K8S / "kustomization.yaml")[0]
    listed = kustomization.get("resources", [])
    missing = [r for r in listed if not (K8S / r).is_file()]
    result("kustomization: resources exist", not missing, f"missing {missing}")
    unlisted = [p.name for p in files if p.name not in listed and p.name != "secret.example.yaml"]
    result("kustomization: lists every manifest", not unlisted, f"unlisted {unlisted}")
    result("kustomization: does not apply the example Secret", "secret.example.yaml" not in listed,
           "secret.example.yaml listed")
    result("kustomization: sets the namespace",
           kustomization.get("namespace") == objects.get(("Namespace", kustomization.get("namespace")), {})
           .get("metadata", {}).get("name"), f"namespace {kustomization.get('namespace')!r}")
    image_names = [i.get("name") for i in kustomization.get("images", [])]
    result("kustomization: retags the app image", IMAGE in image_names, f"images {image_names}")

    secret = objects.get(("Secret", "cci-secrets"), {})
    secret_keys = set((secret.get("stringData") or {}) | (secret.get("data") or {}))
    for key in ("DATABASE_URL", "REDIS_URL", "ADMIN_API_KEY"):
        result(f"secret.example: has {key}", key in secret_keys, "missing")
    placeholders = all("CHANGE-ME" in str(v) for v in (secret.get("stringData") or {}).values())
    result("secret.example: every value is a marked placeholder", placeholders, "a value without CHANGE-ME")

    configmap = objects.get(("ConfigMap", "cci-config"), {})
    config_text = (configmap.get("data") or {}).get("config.yaml", "")
    config = yaml.load(config_text, Loader=StrictLoader) or {}
    unknown = sorted(set(flatten(config)) - yaml_paths)
    result("configmap config.yaml: every key is a configuration key", bool(config) and not unknown,
           f"unknown {unknown}")
    shutdown = seconds(flatten(config).get("server.shutdown_timeout", "30s"))
    result("configmap config.yaml: database.type postgres",
           flatten(config).get("database.type") == "postgres", "not postgres")

    deployment = objects.get(("Deployment", "cci"))
    job = objects.get(("Job", "cci-migrate"))
    result("k8s: Deployment cci exists", deployment is not None, "missing")
    result("k8s: Job cci-migrate exists", job is not None, "missing")
    if not deployment or not job:
        return

    def app_containers(obj):
        return [c for c in pod_spec(obj).get("containers", []) if is_app_image(c.get("image", ""))]

    images = set()
    for kind, obj in (("Deployment", deployment), ("Job", job)):
        spec = pod_spec(obj)
        containers = app_containers(obj)
        result(f"{kind}: runs the app image", len(containers) == 1, f"{len(containers)} app containers")
        if not containers:
            continue
        container = containers[0]
        images.add(container["image"])
        names = [e.get("name") for e in container.get("env", [])]
        bad = sorted(set(names) - allowed_env)
        result(f"{kind}: env names are configuration keys", not bad, f"unknown {bad}")
        result(f"{kind}: no duplicate env names", len(names) == len(set(names)), f"{names}")
        for entry in container.get("env", []):
            ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                result(f"{kind}: env {entry['name']} from an existing Secret key",
                       ref.get("name") == "cci-secrets" and ref.get("key") in secret_keys, f"{ref}")
        pod_sc, sc = spec.get("securityContext", {}), container.get("securityContext", {})
        result(f"{kind}: runs as non-root", pod_sc.get("runAsNonRoot") is True and pod_sc.get("runAsUser", 0) != 0,
               f"{pod_sc}")
        result(f"{kind}: read-only root file system", sc.get("readOnlyRootFilesystem") is True, f"{sc}")
        result(f"{kind}: no privilege escalation, capabilities dropped",
               sc.get("allowPrivilegeEscalation") is False and "ALL" in sc.get("capabilities", {}).get("drop", []),
               f"{sc}")
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        result(f"{kind}: /tmp is an emptyDir", "emptyDir" in volumes.get(mounts.get("/tmp"), {}), f"{mounts}")
        config_volume = volumes.get(mounts.get("/app/configs"), {})
        result(f"{kind}: /app/configs from ConfigMap cci-config (CONFIG_FILE)",
               config_volume.get("configMap", {}).get("name") == "cci-config"
               and {"name": "CONFIG_FILE", "value": "/app/configs/config.yaml"} in container.get("env", []),
               f"{config_volume}")
        resources = container.get("resources", {})
        result(f"{kind}: resource requests and limits",
               bool(resources.get("requests")) and bool(resources.get("limits")), f"{resources}")
    result("k8s: Deployment and Job use one image", len(images) == 1, f"{images}")

    container = app_containers(deployment)[0]
    spec = pod_spec(deployment)
    result("Deployment: command serve", container.get("args") == ["serve"], f"args {container.get('args')}")
    ports = container.get("ports", [])
    port_names = {p.get("name") for p in ports if p.get("containerPort") == APP_PORT}
    result(f"Deployment: containerPort {APP_PORT}", [p.get("containerPort") for p in ports] == [APP_PORT],
           f"ports {ports}")
    check_probe("Deployment: readiness probe", container.get("readinessProbe"), "/ready", port_names)
    check_probe("Deployment: liveness probe", container.get("livenessProbe"), "/live", port_names)
    check_probe("Deployment: startup probe", container.get("startupProbe"), "/live", port_names)
    result("Deployment: 3 replicas", deployment["spec"].get("replicas") == 3, f"{deployment['spec'].get('replicas')}")
    rolling = deployment["spec"].get("strategy", {}).get("rollingUpdate", {})
    result("Deployment: rolling update with maxUnavailable 0", rolling.get("maxUnavailable") == 0, f"{rolling}")
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    command = pre_stop.get("exec", {}).get("command", [])
    sleep = float(command[-1]) if command[:1] == ["sleep"] else float(pre_stop.get("sleep", {}).get("seconds", 0))
    result("Deployment: preStop sleep", sleep > 0, f"{pre_stop}")
    grace = spec.get("terminationGracePeriodSeconds", 30)
    result("Deployment: terminationGracePeriodSeconds > preStop + server.shutdown_timeout",
           grace > sleep + shutdown, f"{grace} <= {sleep} + {shutdown}")
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    result("Deployment: prometheus scrape annotations",
           annotations.get("prometheus.io/scrape") == "true"
           and annotations.get("prometheus.io/port") == str(APP_PORT)
           and annotations.get("prometheus.io/path") == "/metrics", f"{annotations}")
    anti = spec.get("affinity", {}).get("podAntiAffinity", {})
    result("Deployment: podAntiAffinity", bool(anti), "missing")
    pod_labels = deployment["spec"]["template"]["metadata"].get("labels", {})
    selector = deployment["spec"]["selector"]["matchLabels"]
    result("Deployment: selector matches pod labels", selector.items() <= pod_labels.items(), f"{selector}")
    env = {e["name"]: e for e in container.get("env", [])}
    key_file = env.get("ADMIN_API_KEY_FILE", {}).get("value", "")
    mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    key_ok = False
    for name, volume in volumes.items():
        items = volume.get("secret", {}).get("items", [])
        for item in items:
            if name in mounts and f"{mounts[name]}/{item['path']}" == key_file and item["key"] in secret_keys:
                key_ok = True
    result("Deployment: ADMIN_API_KEY_FILE is the mounted Secret key", key_ok, f"{key_file!r}")
    for name in ("DATABASE_URL", "REDIS_URL"):
        result(f"Deployment: {name} from the Secret", "valueFrom" in env.get(name, {}), "not set from a Secret")
    docker_uid = next((r.split(":")[0] for w, r, _ in reversed(dockerfile_instructions()) if w == "USER"), None)
    result("Deployment: runAsUser matches the image's USER",
           str(spec.get("securityContext", {}).get("runAsUser")) == docker_uid,
           f"{spec.get('securityContext', {}).get('runAsUser')} vs {docker_uid}")

    job_container = app_containers(job)[0]
    result("Job: command migrate", job_container.get("args") == ["migrate"], f"args {job_container.get('args')}")
    policy = pod_spec(job).get("restartPolicy")
    result("Job: restartPolicy Never or OnFailure", policy in ("Never", "OnFailure"), f"{policy}")

    service = objects.get(("Service", "cci"), {})
    svc_selector = service.get("spec", {}).get("selector", {})
    result("Service cci: selects the Deployment's pods", bool(svc_selector) and svc_selector.items() <= pod_labels.items(),
           f"{svc_selector}")
    target = [p.get("targetPort") for p in service.get("spec", {}).get("ports", [])]
    result("Service cci: targets the app port", bool(target) and all(t == APP_PORT or t in port_names for t in target),
           f"{target}")
    pdb = objects.get(("PodDisruptionBudget", "cci"), {})
    pdb_selector = pdb.get("spec", {}).get("selector", {}).get("matchLabels", {})
    result("PodDisruptionBudget: selects the Deployment's pods",
           bool(pdb_selector) and pdb_selector.items() <= pod_labels.items(), f"{pdb_selector}")
    hpa = objects.get(("HorizontalPodAutoscaler", "cci"), {}).get("spec", {})
    result("HorizontalPodAutoscaler: targets Deployment cci",
           hpa.get("scaleTargetRef", {}).get("kind") == "Deployment" and hpa.get("scaleTargetRef", {}).get("name") == "cci",
           f"{hpa.get('scaleTargetRef')}")
    result("HorizontalPodAutoscaler: 3 <= minReplicas <= maxReplicas",
           3 <= hpa.get("minReplicas", 1) <= hpa.get("maxReplicas", 0), f"{hpa.get('minReplicas')}..{hpa.get('maxReplicas')}")

    for (kind, name), obj in sorted(objects.items()):
        if kind != "StatefulSet":
            continue
        svc = objects.get(("Service", obj["spec"].get("serviceName")), {})
        labels = obj["spec"]["template"]["metadata"].get("labels", {})
        sel = svc.get("spec", {}).get("selector", {})
        result(f"StatefulSet {name}: governing Service selects its pods", bool(sel) and sel.items() <= labels.items(),
               f"serviceName {obj['spec'].get('serviceName')!r}")
        for container in pod_spec(obj).get("containers", []):
            for entry in container.get("env", []):
                ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    result(f"StatefulSet {name}: env {entry['name']} from an existing Secret key",
                           ref.get("name") == "cci-secrets" and ref.get("key") in secret_keys, f"{ref}")
        text = (K8S / f"{name}.yaml").read_text(encoding="utf-8") if (K8S / f"{name}.yaml").is_file() else ""
        result(f"StatefulSet {name}: marked dev/test only", "DEV/TEST ONLY" in text, "no DEV/TEST ONLY comment")

    # deploy.sh applies in phases selected by app.kubernetes.io/component.
    phases = {}
    for (kind, name), obj in objects.items():
        component = (obj.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/component")
        phases.setdefault(component, set()).add(f"{kind}/{name}")
    result("k8s phases: only the Namespace has no component label",
           {k.split("/")[0] for k in phases.get(None, set())} == {"Namespace"}, f"{phases.get(None)}")
    result("k8s phases: the migration phase is the Job", phases.get("migration") == {"Job/cci-migrate"},
           f"{phases.get('migration')}")
    want_api = {"Deployment/cci", "Service/cci", "PodDisruptionBudget/cci", "HorizontalPodAutoscaler/cci"}
    result("k8s phases: the api phase is the Deployment, Service, PDB and HPA", phases.get("api") == want_api,
           f"{phases.get('api')}")

    # Every pod meets the namespace's "restricted" Pod Security level (the parts checkable here).
    for (kind, name), obj in sorted(objects.items()):
        if kind not in ("Deployment", "StatefulSet", "Job"):
            continue
        spec = pod_spec(obj)
        ok = spec.get("securityContext", {}).get("runAsNonRoot") is True and \
            spec.get("securityContext", {}).get("seccompProfile", {}).get("type") == "RuntimeDefault"
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            sc = container.get("securityContext", {})
            ok = ok and sc.get("allowPrivilegeEscalation") is False and "ALL" in sc.get("capabilities", {}).get("drop", [])
        result(f"{kind} {name}: restricted pod security", ok, "runAsNonRoot/seccomp/capabilities/escalation")


# --- compose -----------------------------------------------------------------------------

def compose_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def healthcheck_paths(service):
    test = " ".join((service.get("healthcheck") or {}).get("test") or [])
    return re.findall(r"https?://[^/\s]+(/[^\s\"']*)", test)


def check_compose(allowed_env, shutdown):
    single = DEPLOY / "docker-compose.yml"
    cluster = DEPLOY / "docker-compose.cluster.yml"
    documents = {}
    for path in (single, cluster):
        if not result(f"{path.name}: exists", path.is_file(), "missing"):
            continue
        try:
            documents[path.name] = load_all(path)[0]
        except yaml.YAMLError:
            continue

    for file_name, doc in documents.items():
        services = doc.get("services", {})
        apps = {n: s for n, s in services.items() if IMAGE in str(s.get("image", ""))}
        for name, service in apps.items():
            label = f"{file_name} {name}"
            env = compose_env(service)
            bad = sorted(set(env) - allowed_env)
            result(f"{label}: env names are configuration keys", not bad, f"unknown {bad}")
            build = service.get("build") or {}
            result(f"{label}: builds deployments/docker/Dockerfile from the repository root",
                   build.get("context") == ".." and build.get("dockerfile") == "deployments/docker/Dockerfile",
                   f"{build}")
            if service.get("command") == ["migrate"]:
                continue
            result(f"{label}: command serve", service.get("command") == ["serve"], f"{service.get('command')}")
            grace = seconds(str(service.get("stop_grace_period", "10s")))
            result(f"{label}: stop_grace_period > server.shutdown_timeout", grace > shutdown, f"{grace}s")
            paths = healthcheck_paths(service)
            result(f"{label}: healthcheck on a health endpoint", bool(paths) and set(paths) <= HEALTH_PATHS, f"{paths}")
            result(f"{label}: read-only root file system with /tmp tmpfs",
                   service.get("read_only") is True and "/tmp" in (service.get("tmpfs") or []), "not read-only")
            for port in service.get("ports", []):
                result(f"{label}: publishes container port {APP_PORT}", str(port).endswith(f":{APP_PORT}"), f"{port}")

    doc = documents.get(single.name)
    if doc:
        services = doc["services"]
        cci = services.get("cci", {})
        result("docker-compose.yml: cci on SQLite", compose_env(cci).get("DATABASE_TYPE") == "sqlite", "not sqlite")
        volumes = cci.get("volumes", [])
        named = [v.split(":")[0] for v in volumes if str(v).split(":")[1] in ("/app/data", "/app/backups")]
        result("docker-compose.yml: named volumes for /app/data and /app/backups",
               len(named) == 2 and all(n in (doc.get("volumes") or {}) for n in named), f"{volumes}")
        result("docker-compose.yml: ollama under a profile", services.get("ollama", {}).get("profiles") == ["ollama"],
               f"{services.get('ollama', {}).get('profiles')}")

    doc = documents.get(cluster.name)
    if doc:
        services = doc["services"]
        replicas = [n for n, s in services.items() if IMAGE in str(s.get("image", "")) and s.get("command") == ["serve"]]
        result("docker-compose.cluster.yml: 2 or more cci replicas", len(replicas) >= 2, f"{replicas}")
        migrate = services.get("migrate", {})
        result("docker-compose.cluster.yml: migrate runs `cci migrate` once",
               migrate.get("command") == ["migrate"] and migrate.get("restart") == "no", f"{migrate.get('command')}")
        result("docker-compose.cluster.yml: migrate waits for a healthy postgres",
               (migrate.get("depends_on") or {}).get("postgres", {}).get("condition") == "service_healthy", "no")
        for name in replicas:
            service = services[name]
            env = compose_env(service)
            result(f"docker-compose.cluster.yml {name}: DATABASE_TYPE postgres with DATABASE_URL and REDIS_URL",
                   env.get("DATABASE_TYPE") == "postgres" and env.get("DATABASE_URL") and env.get("REDIS_URL"), f"{env}")
            result(f"docker-compose.cluster.yml {name}: starts after migrate completed",
                   (service.get("depends_on") or {}).get("migrate", {}).get("condition") == "service_completed_successfully",
                   f"{service.get('depends_on')}")
            result(f"docker-compose.cluster.yml {name}: healthy means ready", healthcheck_paths(service) == ["/ready"],
                   f"{healthcheck_paths(service)}")
        result("docker-compose.cluster.yml: PostgreSQL 15",
               str(services.get("postgres", {}).get("image", "")).startswith("postgres:15"), "")
        result("docker-compose.cluster.yml: Redis 7", str(services.get("redis", {}).get("image", "")).startswith("redis:7"), "")
        nginx = services.get("nginx", {})
        mounts = [str(v).split(":") for v in nginx.get("volumes", [])]
        conf = [m for m in mounts if m[1] == "/etc/nginx/nginx.conf"]
        result("docker-compose.cluster.yml: nginx mounts deployments/nginx/nginx.conf",
               bool(conf) and (DEPLOY / conf[0][0]).resolve() == NGINX_CONF.resolve(), f"{mounts}")
        waits = nginx.get("depends_on") or {}
        result("docker-compose.cluster.yml: nginx waits for healthy replicas",
               all(waits.get(n, {}).get("condition") == "service_healthy" for n in replicas), f"{waits}")
        text = NGINX_CONF.read_text(encoding="utf-8")
        upstream = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", text, re.M))
        result("nginx.conf: upstream servers are the compose replicas",
               upstream == {f"{n}:{APP_PORT}" for n in replicas}, f"{sorted(upstream)} vs {replicas}")
        listen = re.findall(r"^\s*listen\s+(\d+)", text, re.M)
        published = [str(p).rsplit(":", 1)[1] for p in nginx.get("ports", [])]
        result("nginx.conf: listens on the port compose publishes", bool(listen) and set(published) <= set(listen),
               f"listen {listen}, published {published}")
        for header in ("X-Request-ID", "X-Forwarded-For"):
            result(f"nginx.conf: passes {header}", re.search(rf"proxy_set_header\s+{header}\s", text) is not None, "missing")
        result("nginx.conf: passive health (max_fails) and retry on errors",
               "max_fails=" in text and "proxy_next_upstream" in text, "missing")


# --- docs --------------------------------------------------------------------------------

def check_docs(used_env):
    if not result("docs/deployment.md: exists", DEPLOYMENT_DOC.is_file(), "missing"):
        return
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in used_env if name not in text)
    result("docs/deployment.md: explains every variable the manifests set", not missing, f"missing {missing}")
    result("docs/deployment.md: links docs/configuration.md", "configuration.md" in text, "no link")


def used_env_names():
    names = set()
    for path in (DEPLOY / "docker-compose.yml", DEPLOY / "docker-compose.cluster.yml"):
        for service in (load_all(path)[0].get("services") or {}).values():
            if IMAGE in str(service.get("image", "")):
                names |= set(compose_env(service))
    for path in K8S.glob("*.yaml"):
        for doc in load_all(path):
            for container in pod_spec(doc).get("containers", []) if isinstance(doc, dict) else []:
                if is_app_image(container.get("image", "")):
                    names |= {e["name"] for e in container.get("env", [])}
    for word, rest, _ in dockerfile_instructions():
        if word == "ENV":
            names |= set(env_assignments(rest))
    return names


def main():
    if "--apt-packages" in sys.argv:
        packages = apt_packages(dockerfile_instructions())
        print(" ".join(sorted({p for names in packages.values() for p in names})))
        return 0

    envs, yaml_paths = config_keys()
    result("ConfigKeys.swift: environment names found", len(envs) > 20, f"{len(envs)} found")
    allowed_env = envs | EXTRA_ENV

    parsed_ok = True
    for path in sorted(DEPLOY.rglob("*.y*ml")):
        try:
            docs = load_all(path)
            ok = bool(docs)
            why = "empty"
        except yaml.YAMLError as error:
            ok, why = False, str(error).replace("\n", " ")
        parsed_ok &= result(f"YAML parses: {path.relative_to(ROOT)}", ok, why)

    check_dockerfile(allowed_env)
    if parsed_ok:
        check_kubernetes(allowed_env, yaml_paths)
        config = yaml.safe_load(load_all(K8S / "configmap.yaml")[0]["data"]["config.yaml"])
        shutdown = seconds(config.get("server", {}).get("shutdown_timeout", "30s"))
        check_compose(allowed_env, shutdown)
        check_docs(used_env_names())
    else:
        skip("manifest checks", "a YAML file does not parse")
    print(f"# {passes} passed, {failures} failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
