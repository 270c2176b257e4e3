#!/usr/bin/env python3
"""Builds src/Grains/Chat/Language/intent-examples.json, the labelled sentences the chat's semantic classifier
embeds (its training data), from the tuning corpus tests/Grains.Tests/Chat/Corpus/utterances.json: every case
read without dialogue context (a context-dependent answer like "3pm" says nothing about intent on its own).
Never feed it a held-out file (heldout-*): those must stay unseen. Usage: python3 scripts/chat-intent-examples.py"""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = json.loads((root / "tests/Grains.Tests/Chat/Corpus/utterances.json").read_text())
seen, examples = set(), []
for case in corpus["cases"]:
    text = case["text"].strip()
    if "context" in case or text.lower() in seen:
        continue
    seen.add(text.lower())
    example = {"text": text, "intent": case["intent"]}
    if case["intent"] == "Faq" and "faq_id" in case.get("slots", {}):
        example["faq_id"] = case["slots"]["faq_id"]
    examples.append(example)

out = root / "src/Grains/Chat/Language/intent-examples.json"
out.write_text(json.dumps({
    "source": "tests/Grains.Tests/Chat/Corpus/utterances.json (cases without context); regenerate with scripts/chat-intent-examples.py",
    "examples": examples}, indent=1, ensure_ascii=False) + "\n")
print(f"{len(examples)} examples -> {out.relative_to(root)}")
