"""Each article's language, detected with langdetect.

The detector is seeded so that a rebuild gives the same answer, and it reads
only the first few hundred characters: beyond that the answer rarely changes
and the cost grows linearly.
"""
from __future__ import annotations

import re

from langdetect import DetectorFactory
from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

SAMPLE_CHARS = 400
MIN_LETTERS = 20       # below this, detection is a coin toss: "und" unless declared
# langdetect averages 7 random trials; on a few hundred characters of prose 3
# agree just as well and cost less than half.
TRIALS = 3
UNDETERMINED = "und"
_LETTER = re.compile(r"[^\W\d_]")

_factory = None


def _detector():
    global _factory
    if _factory is None:
        DetectorFactory.seed = 0
        detector_factory.init_factory()
        _factory = detector_factory._factory
    detector = _factory.create()
    detector.set_max_text_length(SAMPLE_CHARS)
    detector.n_trial = TRIALS
    return detector


def detect_language(title: str, body: str, declared: str | None = None) -> str:
    """ISO 639-1 code (``fr``), the declared code when text is too short, or ``und``."""
    text = f"{title}\n{body[:SAMPLE_CHARS * 2]}"
    declared = (declared or "").strip().lower()[:2] or None
    if len(_LETTER.findall(text[:SAMPLE_CHARS])) < MIN_LETTERS:
        return declared or UNDETERMINED
    detector = _detector()
    detector.append(text)
    try:
        return detector.detect()
    except LangDetectException:
        return declared or UNDETERMINED
