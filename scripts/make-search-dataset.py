#!/usr/bin/env python3
"""Writes a search benchmark dataset made from the corpus: a ~/.claude/projects-like folder.

Corpus sessions are copied again and again, each copy a new session (fresh sessionId and
uuids, parent links rewritten consistently) in one of 20 projects on one of 6 branches, its
timestamps moved back by a whole number of days, until the copies hold ENTRIES lines.
usage: make-search-dataset.py CORPUS_DIR OUT_DIR ENTRIES
"""
import json
import pathlib
import random
import sys
import uuid
from datetime import datetime, timedelta

corpus, out, wanted = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
sessions = []
for path in sorted((corpus / "transcripts").rglob("*.jsonl")):
    if "subagents" in path.parts:
        continue
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines:
        sessions.append(lines)

projects = [f"project-{n:02d}" for n in range(20)]
branches = ["main", "develop", "feature/search", "fix/login-timeout", "refactor/storage", "release/2.1"]
random.seed(42)
written = 0
copies = 0
while written < wanted:
    for lines in sessions:
        copies += 1
        session = str(uuid.uuid4())
        project = random.choice(projects)
        branch = random.choice(branches)
        days = random.randrange(0, 365)
        fresh = {}
        folder = out / f"-home-dev-{project}"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{session}.jsonl").open("w", encoding="utf-8") as sink:
            for line in lines:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                for key in ("uuid", "parentUuid", "logicalParentUuid"):
                    value = entry.get(key)
                    if isinstance(value, str):
                        entry[key] = fresh.setdefault(value, str(uuid.uuid4()))
                if "sessionId" in entry:
                    entry["sessionId"] = session
                if "cwd" in entry:
                    entry["cwd"] = f"/home/dev/{project}"
                if "gitBranch" in entry:
                    entry["gitBranch"] = branch
                stamp = entry.get("timestamp")
                if isinstance(stamp, str):
                    try:
                        moved = datetime.fromisoformat(stamp.replace("Z", "+00:00")) - timedelta(days=days)
                        entry["timestamp"] = moved.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moved.microsecond // 1000:03d}Z"
                    except ValueError:
                        pass
                entry.pop("agentId", None)
                sink.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
        if written >= wanted:
            break
print(f"{out}: {written} lines in {copies} sessions")
