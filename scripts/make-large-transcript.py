#!/usr/bin/env python3
"""Writes a large Claude Code transcript made from the corpus, for ingest benchmarks.

Every corpus line is copied again and again with fresh uuids (parent links rewritten
consistently within each copy) and one sessionId per output file, until the file reaches
the requested size.  usage: make-large-transcript.py CORPUS_DIR OUT.jsonl SIZE_MB
"""
import json
import pathlib
import sys
import uuid

corpus, out, size_mb = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
lines = []
for path in sorted((corpus / "transcripts").rglob("*.jsonl")):
    if "subagents" in path.parts:
        continue
    lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

session = str(uuid.uuid4())
limit = size_mb * 1024 * 1024
written = 0
copies = 0
with out.open("w", encoding="utf-8") as sink:
    while written < limit:
        copies += 1
        fresh = {}
        for line in lines:
            entry = json.loads(line)
            for key in ("uuid", "parentUuid", "logicalParentUuid"):
                value = entry.get(key)
                if isinstance(value, str):
                    entry[key] = fresh.setdefault(value, str(uuid.uuid4()))
            if "sessionId" in entry:
                entry["sessionId"] = session
            entry.pop("agentId", None)
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
            sink.write(text)
            written += len(text.encode("utf-8"))
            if written >= limit:
                break
print(f"{out}: {written / 1048576:.0f} MB, {copies} copies of {len(lines)} corpus lines")
