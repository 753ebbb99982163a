#!/usr/bin/env python3
"""Turns a terminal capture with colours (`tmux capture-pane -e -p`) into an SVG.

Usage: screen-to-svg.py COLUMNS TITLE < capture.txt > screen.svg

Understands the SGR sequences a capture holds: reset, bold, dim, italic,
underline, the 8 + 8 ANSI colours, 256 colours and true colour (foreground
and background). Every run of text is placed at its column, so the picture
does not depend on the viewer's font having the terminal's exact widths.
Wide characters (CJK, most emoji) take two columns. Used by docs/screen.sh.
"""

import re
import sys
import unicodedata
from html import escape

# A dark palette (the 16 ANSI colours), close to common terminal defaults.
PALETTE = [
    "#1e1e1e", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]
BACKGROUND = "#1e1e1e"
FOREGROUND = "#d4d4d4"
CELL_W = 8.4  # px per column at FONT_SIZE in a monospace font
LINE_H = 18
FONT_SIZE = 14
PAD = 14
BAR = 30  # the window's title bar

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESC = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z])")


def colour_256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (level, level, level)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = colour_256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = "#%02x%02x%02x" % tuple(codes[i + 2 : i + 5])
                    i += 4
                else:
                    value = None
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1


def width(ch):
    if unicodedata.combining(ch) or ch in "\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def runs(line, style):
    """The line's runs: (column, text, style key), in order. A character
    outside ASCII is a run of its own, placed at its column, so a glyph of
    another width (a fallback font's) cannot shift the text after it."""
    out = []
    state = {"col": 0, "start": 0, "text": ""}

    def flush():
        if state["text"]:
            out.append((state["start"], state["text"], style.key()))
            state["text"] = ""

    def add(ch):
        w = width(ch)
        if ord(ch) > 127:
            flush()
            out.append((state["col"], ch, style.key()))
        else:
            if not state["text"]:
                state["start"] = state["col"]
            state["text"] += ch
        state["col"] += w

    pos = 0
    for m in SGR.finditer(line):
        for ch in OTHER_ESC.sub("", line[pos : m.start()]):
            add(ch)
        new = Style()
        new.__dict__.update(style.__dict__)
        new.apply(m.group(1))
        if new.key() != style.key():
            flush()
        style.__dict__.update(new.__dict__)
        pos = m.end()
    for ch in OTHER_ESC.sub("", line[pos:]):
        add(ch)
    flush()
    return out


def main():
    columns = int(sys.argv[1])
    title = sys.argv[2] if len(sys.argv) > 2 else ""
    lines = sys.stdin.read().rstrip("\n").split("\n")
    while lines and not SGR.sub("", lines[-1]).strip():
        lines.pop()
    style = Style()
    rows = [runs(line, style) for line in lines]
    w = PAD * 2 + columns * CELL_W
    h = BAR + PAD * 2 + len(rows) * LINE_H
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h}" '
        f'viewBox="0 0 {w:.0f} {h}" role="img" aria-label="{escape(title)}">',
        f'<rect width="100%" height="100%" rx="8" fill="{BACKGROUND}"/>',
        '<circle cx="20" cy="15" r="6" fill="#ff5f57"/>'
        '<circle cx="40" cy="15" r="6" fill="#febc2e"/>'
        '<circle cx="60" cy="15" r="6" fill="#28c840"/>',
        f'<text x="{w / 2:.0f}" y="20" fill="#9d9d9d" text-anchor="middle" '
        f'font-family="sans-serif" font-size="12">{escape(title)}</text>',
        f'<g font-family="\'DejaVu Sans Mono\', Menlo, Consolas, monospace" '
        f'font-size="{FONT_SIZE}" fill="{FOREGROUND}" xml:space="preserve">',
    ]
    for n, row in enumerate(rows):
        y = BAR + PAD + (n + 1) * LINE_H - 5
        for col, text, (fg, bg, bold, dim, italic, underline) in row:
            x = PAD + col * CELL_W
            if bg:
                cells = sum(width(c) for c in text)
                out.append(
                    f'<rect x="{x:.1f}" y="{y - LINE_H + 5}" width="{cells * CELL_W:.1f}" '
                    f'height="{LINE_H}" fill="{bg}"/>'
                )
            if not text.strip():
                continue
            attrs = [f'x="{x:.1f}"', f'y="{y}"']
            if fg:
                attrs.append(f'fill="{fg}"')
            if bold:
                attrs.append('font-weight="bold"')
            if dim:
                attrs.append('opacity="0.6"')
            if italic:
                attrs.append('font-style="italic"')
            if underline:
                attrs.append('text-decoration="underline"')
            out.append(f"<text {' '.join(attrs)}>{escape(text)}</text>")
    out.append("</g></svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
