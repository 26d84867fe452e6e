"""Recall of PII masking on a labelled corpus of utterances in the clients' four languages.

Each line of tests/data/pii_corpus.jsonl is an utterance whose personal data is marked
`[[kind:text]]`; `agent` gives the agent's name where the tenant hides agent names. A
marked piece counts as found when every character of it (but spaces) is masked. A masked
span that touches no marked piece is a false positive: printed and counted, not failed,
since an over-masked price costs a grader less than a leaked phone number.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from vendor_qa.calls.pii import find_pii

CORPUS = Path(__file__).parent.parent / "data" / "pii_corpus.jsonl"
_MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")
GROUP = {"phone": "numbers", "number": "numbers", "iban": "numbers", "email": "emails", "card": "cards",
         "name": "names", "address": "addresses"}
THRESHOLD = {"numbers": 0.98, "emails": 0.98, "cards": 0.98, "names": 0.90, "addresses": 0.90}


def parse(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain utterance and its labelled (start, end, kind) pieces."""
    text, labels, at = [], [], 0
    for match in _MARK.finditer(marked):
        text.append(marked[at:match.start()])
        start = sum(map(len, text))
        text.append(match.group(2))
        labels.append((start, start + len(match.group(2)), match.group(1)))
        at = match.end()
    text.append(marked[at:])
    return "".join(text), labels


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(corpus: list[dict]):
    found, total, misses, false_positives = Counter(), Counter(), [], []
    for item in corpus:
        text, labels = parse(item["text"])
        spans = find_pii(text, [item["agent"]] if item.get("agent") else [])
        masked = {i for s in spans for i in range(s.start, s.end)}
        labelled = {i for start, end, _ in labels for i in range(start, end)}
        for start, end, kind in labels:
            group = GROUP[kind]
            total[group] += 1
            if all(i in masked for i in range(start, end) if not text[i].isspace()):
                found[group] += 1
            else:
                misses.append((item["lang"], kind, text[start:end], text))
        false_positives += [(item["lang"], text[s.start:s.end], text) for s in spans
                            if not labelled & set(range(s.start, s.end))]
    return found, total, misses, false_positives


def test_corpus_is_large_and_covers_the_four_languages():
    corpus = load()
    assert len(corpus) >= 300
    assert Counter(item["lang"] for item in corpus).keys() == {"en", "nb", "ru", "zh"}
    for item in corpus:
        _, labels = parse(item["text"])
        assert all(kind in GROUP for _, _, kind in labels), item


def test_recall_per_kind_meets_the_thresholds(capsys):
    found, total, misses, false_positives = measure(load())
    with capsys.disabled():
        print()
        for group in THRESHOLD:
            print(f"recall {group}: {found[group]}/{total[group]} = {found[group] / total[group]:.1%}")
        print(f"false positives: {len(false_positives)}")
        for lang, span, text in false_positives:
            print(f"  FP [{lang}] {span!r} in {text!r}")
        for lang, kind, span, text in misses:
            print(f"  MISS [{lang}] {kind} {span!r} in {text!r}")
    for group, threshold in THRESHOLD.items():
        assert found[group] / total[group] >= threshold, group


@pytest.mark.parametrize("marked", ["a [[name:b]] c [[card:1]]", "no marks at all"])
def test_parse_finds_the_marked_pieces(marked):
    text, labels = parse(marked)
    assert "[[" not in text
    assert all(text[s:e] for s, e, _ in labels)
