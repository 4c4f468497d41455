"""Template hygiene: Django's {# #} comments end on their line; one that spans lines is printed to the reader."""

from pathlib import Path

from django.conf import settings


def test_no_comment_tag_spans_lines():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "{#" in line and "#}" not in line[line.index("{#"):]:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == [], "use {% comment %} for comments over several lines: " + ", ".join(offenders)
