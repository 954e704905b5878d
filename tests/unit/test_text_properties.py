"""Hypothesis properties of the masker and the extractor over hostile text: repeated
adverbs and words, digit groups, punctuation and space storms, random Unicode and emoji,
up to 4,000 characters. Each example has a CPU budget; no test sleeps."""
import contextlib
import re
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pika_mem.facts.extraction import extract_facts
from pika_mem.facts.model import CATEGORIES, ExtractedFact
from pika_mem.facts.pii import mask_pii


def extract(text: str) -> list[ExtractedFact]:
    return extract_facts([{"role": "user", "content": text}])


# --- properties --------------------------------------------------------------------------

MAX = 4000
VI_ADVERBS = ["rất ", "rất là ", "rất rất ", "cũng rất ", "cũng ", "cực kỳ ", "cực ", "siêu ", "vẫn ", "đặc biệt ",
              "vô cùng ", "thật sự ", "hay ", "chỉ ", "thích ", "con ", "không ", "nhất ", "là "]
EN_ADVERBS = ["really ", "very ", "very very ", "so ", "sooo ", "super ", "kind of ", "kinda ", "just ", "do ",
              "actually ", "like ", "love ", "I ", "don't ", "not ", "the most ", "fan of "]
WORDS = ["kem ", "con thích ", "con thấy ", "con muốn làm ", "con với ", "lắm ", "ạ ", "nhé ", "I love ", "I like ",
         "too ", "my ", "is ", "where ", "do you like ", "con có thích ", "and I ", "và con ", "because ", "với bố ",
         ", ", "hmm ", "um ", "yes ", "my favourite ", "scared of ", "allergic to ", "To ", "I'm ", "nữa ", "?",
         "named ", "tên là ", "tuổi ", "lớp ", "trường ", "ở ", "dị ứng ", "sợ ", "ước mơ ", "bạn thân ", "đi "]
PUNCT = list(".,!?;:~-–—…()[]\"'“”‘’*/\\#@&%+=_|<>^ \t\n")
EMOJI = ["😀", "🦖", "🐶", "🍦", "❤️", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇻🇳", "\u200d", "\ufe0f", "\u0301", "\u00a0"]
SEPARATORS = [" ", " ", ".", "-", "  ", " - ", "(", ")", "", " . ", "/"]


def repeated(pieces) -> st.SearchStrategy[str]:
    """A few of the pieces, in some order, repeated up to a length of at most MAX."""
    return st.builds(lambda pattern, length: ("".join(pattern) * (length // max(1, len("".join(pattern))) + 1))[:length],
                     st.lists(pieces, min_size=1, max_size=4), st.integers(1, MAX))


digit_groups = st.builds(
    lambda groups, sep: sep.join(groups)[:MAX],
    st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=1000),
    st.sampled_from(SEPARATORS))
hostile_piece = st.one_of(
    repeated(st.sampled_from(VI_ADVERBS)),
    repeated(st.sampled_from(EN_ADVERBS)),
    repeated(st.sampled_from(WORDS)),
    digit_groups,
    repeated(st.sampled_from(PUNCT)),
    repeated(st.sampled_from(EMOJI + [" ", "con thích ", "I love "])),
    repeated(st.text(min_size=1, max_size=30)),  # a random Unicode snippet, repeated
    st.text(max_size=300),
)
hostile = st.builds(lambda parts: "".join(parts)[:MAX], st.lists(hostile_piece, min_size=1, max_size=3))
PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Per example: at most EXAMPLE_CPU_S of CPU time (ours, whatever else the machine runs).
# Hypothesis cannot stop an example that never ends (its deadline is checked after), and
# shrinking re-runs failing examples, so each runs under its own CPU timer; the
# test-wide timeout (thread method: it ends the session) is only the last resort.
EXAMPLE_CPU_S = 2.0


class TooSlow(Exception):
    pass


@contextlib.contextmanager
def cpu_limit(seconds: float = EXAMPLE_CPU_S):
    def expired(signum, frame):
        raise TooSlow(f"more than {seconds} s of CPU for one example")
    previous = signal.signal(signal.SIGVTALRM, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


# A run of digits that nothing can join to a neighbouring number: spaces, the string's
# ends, or punctuation that is not part of a number ("," but not "." "-" "(" "+").
_STANDALONE_DIGITS = re.compile(r"(?:(?<=[\s,;:!?\"'“”‘’/…])|^)(\d{8,19})(?=[\s,;:!?\"'“”‘’/…]|$)")
PLANTED = ["0912345678", "0987.654.321", "091 234 5678", "+84 912 345 678", "4111 1111 1111 1111",
           "4111-1111-1111-1111", "001099012345", "123456789", "(555) 123-4567", "leo.mom@example.com"]


@pytest.mark.timeout(180, method="thread")
@PROPERTY
@given(hostile)
def test_masking_finishes_and_is_idempotent(text):
    with cpu_limit():
        once = mask_pii(text)
        assert mask_pii(once) == once


@pytest.mark.timeout(180, method="thread")
@PROPERTY
@given(hostile)
def test_no_standalone_run_of_8_to_19_digits_survives_masking(text):
    # Every such run is a phone (8–12 digits), an id (9, 12) or a card (13–19).
    with cpu_limit():
        assert not _STANDALONE_DIGITS.findall(mask_pii(text))


@pytest.mark.timeout(180, method="thread")
@PROPERTY
@given(hostile, st.sampled_from(PLANTED), hostile)
def test_a_number_among_hostile_text_is_masked(before, number, after):
    # ⟦ ⟧: neither a word character nor a number separator, so nothing joins the number
    # to the hostile text around it.
    with cpu_limit():
        masked = mask_pii(f"{before}⟦{number}⟧{after}")
    inside = re.findall(r"⟦([^⟦⟧]*)⟧", masked)
    assert inside and not any(ch.isdigit() or ch == "@" for part in inside for ch in part)


@pytest.mark.timeout(180, method="thread")
@PROPERTY
@given(hostile, st.sampled_from(PLANTED))
def test_extraction_never_crashes_nor_stores_a_planted_number(text, number):
    with cpu_limit():
        facts = extract(f"{text} ⟦{number}⟧ Con thích kem dâu. My phone is ⟦{number}⟧.")
    digits = re.sub(r"\D", "", number) or number
    for f in facts:
        assert isinstance(f, ExtractedFact) and f.category in CATEGORIES and f.object
        assert digits not in re.sub(r"\D", "", f.object + f.text) or len(digits) < 8
        assert number not in f.object and number not in f.text


@pytest.mark.timeout(180, method="thread")
@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(["user", "assistant", "system", None]), hostile), max_size=3))
def test_extraction_of_hostile_conversations_never_crashes(turns):
    with cpu_limit():
        facts = extract_facts([{"role": role, "content": text} for role, text in turns])
    assert all(isinstance(f, ExtractedFact) for f in facts)
