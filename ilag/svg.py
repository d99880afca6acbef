"""Server-side SVG drawing, shared by the dashboard charts, the PDF charts and the timeline.

Presentation attributes only (no `style`, no scripts, no external fonts or CSS), so the
same markup works in pages under the CSP and in WeasyPrint PDFs. Every text from outside
goes through `text()`, `title()` or `attrs()`, which escape it; `el()` takes its content as
markup that is already safe. Knows no domain app: colours here are named for what they
look like, the apps give them their meaning.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans, DejaVu Sans, sans-serif"
# Estimated width of a character as a share of the font size: generous for Noto Sans, and
# for DejaVu Sans (the wider fallback), so estimated texts fit where either is drawn.
CHAR_WIDTH = 0.56

# Colours used by more than one drawing. Against white: INK 15:1, MUTED 8.2:1, GREEN 4.5:1,
# RED 6.5:1, GREY 4.7:1; YELLOW is light (1.6:1) and is always drawn with a dark outline.
INK = "#212529"
MUTED = "#495057"
WHITE = "#ffffff"
GREEN = "#198754"
YELLOW = "#ffc107"
RED = "#b02a37"
GREY = "#6c757d"

SVG_NS = "http://www.w3.org/2000/svg"


def n(value: float) -> str:
    """A number, short: 12, 12.5 (one decimal at most)."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def points(*xy: tuple[float, float]) -> str:
    """A polygon's or polyline's points: «12,3 20.5,18»."""
    return " ".join(f"{n(x)},{n(y)}" for x, y in xy)


def attrs(**kw) -> str:
    """Attributes, each with a leading space: `font_size=12` gives ` font-size="12"`,
    `class_="x"` gives ` class="x"`; None leaves the attribute out; numbers are short."""
    parts = []
    for name, value in kw.items():
        if value is None:
            continue
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            value = n(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return "".join(parts)


def el(tag: str, content: str | None = None, **kw) -> str:
    """An element; `content` is markup, so escape any text put in it (see `text()`)."""
    if content is None:
        return f"<{tag}{attrs(**kw)}/>"
    return f"<{tag}{attrs(**kw)}>{content}</{tag}>"


def text(content, **kw) -> str:
    """A <text> element holding `content`, escaped."""
    return el("text", escape(content), **kw)


def title(content, **kw) -> str:
    """A <title> (the accessible name, and a tooltip in browsers), escaped."""
    return el("title", escape(content), **kw)


def text_width(content: str, size: float) -> float:
    """The estimated width of `content` at font size `size`."""
    return len(content) * size * CHAR_WIDTH


def _limit(width: float, size: float) -> int:
    """How many characters fit in `width` at font size `size` (four at least)."""
    return max(4, int(width / (size * CHAR_WIDTH)))


def truncate(content: str, width: float, size: float) -> str:
    """The text, cut with «…» to fit about `width` units at font size `size`."""
    limit = _limit(width, size)
    if len(content) <= limit:
        return content
    return content[: limit - 1].rstrip(" ,–-") + "…"


def wrap(content: str, width: float, size: float, lines: int = 2) -> list[str]:
    """The text in at most `lines` lines of about `width` units, broken between words;
    a line that still does not fit (the last one, or a single long word) is cut with «…»."""
    limit = _limit(width, size)
    result, current = [], ""
    words = content.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit or not current:
            current = candidate
            continue
        result.append(current)
        current = word
        if len(result) == lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        result.append(current)
    return [truncate(line, width, size) for line in result]


def svg(
    body,
    width: float,
    height: float,
    *,
    title: str | None,
    desc: str | None = None,
    id_prefix: str | None = None,
    display_width: str = "100%",
    display_height: str | None = None,
    **kw,
) -> SafeString:
    """The root element around `body` (markup: a string or an iterable of strings), with
    a viewBox of `width` × `height` units, drawn `display_width` wide (the container's
    width unless told) and, when given, `display_height` high.

    With a `title` the drawing is an image (role="img") named by its <title> and described
    by its <desc>, when given. With `id_prefix` the two carry the ids «{id_prefix}-title»
    and «{id_prefix}-desc» and the root names them in aria-labelledby: for a drawing that
    sits once in a page, under an id unique there. Without it they are plain first
    children and need no ids: for drawings repeated in one document (the PDF reports).
    With `title=None` the drawing is decorative and hidden from assistive technology.

    `kw` are further attributes of the root (`id`, `aria_describedby`, `font_size`,
    `fill`, `class_`, ...).
    """
    if not isinstance(body, str):
        body = "".join(body)
    root = {
        "viewBox": f"0 0 {n(width)} {n(height)}",
        "width": display_width,
        "height": display_height,
        "font_family": FONT,
    }
    head = ""
    if title is None:
        root["aria_hidden"] = "true"
    else:
        root["role"] = "img"
        title_id = desc_id = None
        if id_prefix:
            title_id = f"{id_prefix}-title"
            desc_id = f"{id_prefix}-desc" if desc else None
            root["aria_labelledby"] = f"{title_id} {desc_id}" if desc_id else title_id
        head = el("title", escape(title), id=title_id)
        if desc:
            head += el("desc", escape(desc), id=desc_id)
    root.update(kw)
    # Safe: every text is escaped by text(), title(), attrs() and the lines above.
    return mark_safe(f'<svg xmlns="{SVG_NS}"{attrs(**root)}>{head}{body}</svg>')
