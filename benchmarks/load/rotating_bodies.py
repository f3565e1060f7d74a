#!/usr/bin/env python3
"""Writes N distinct ~1 KB chat bodies (model "auto"), one JSON object per line, for the load
test's "32rot" row: the classifier's cost on text it has not just seen. The load test's main
body repeats one paragraph three times and is sent again and again, which flatters a decision
that remembers words across requests; these bodies are windows over the clinc150 utterances
(travel, banking, cooking, small talk, ...), so most words recur only now and then.

  rotating_bodies.py <classifier data dir> <out file> [count (64)]
"""
import json
import os
import sys

data_dir, out_file = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 64

texts = []
with open(os.path.join(data_dir, "clinc150_domain.train.jsonl"), encoding="utf-8") as f:
    for line in f:
        texts.append(json.loads(line)["text"])
corpus = " ".join(texts)
stride = max(1, (len(corpus) - 820) // count)
with open(out_file, "w", encoding="utf-8") as out:
    for i in range(count):
        start = corpus.find(" ", i * stride) + 1  # whole words
        user = corpus[start:start + 820]
        body = {"model": "auto", "messages": [
            {"role": "system", "content": "You are a helpful assistant that answers briefly."},
            {"role": "user", "content": user}], "temperature": 0.2}
        out.write(json.dumps(body) + "\n")
