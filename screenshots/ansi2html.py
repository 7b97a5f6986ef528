#!/usr/bin/env python3
"""Turns `tmux capture-pane -e -p` output (ANSI SGR colours) into a standalone HTML page.

Usage: ansi2html.py TITLE < screen.ansi > screen.html
Handles bold, dim, italic, underline, reverse, strike-through, 16/256/24-bit colours.
"""
import html
import re
import sys

BASE16 = [
    "#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]
FG, BG = "#d4d4d4", "#1e1e1e"


def colour256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


class State:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.under = self.rev = self.strike = False

    def apply(self, codes):
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
                self.under = True
            elif c == 7:
                self.rev = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.under = False
            elif c == 27:
                self.rev = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    col = colour256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    col = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    col = None
                if c == 38:
                    self.fg = col
                else:
                    self.bg = col
            i += 1

    def css(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.rev:
            fg, bg = bg, fg
        parts = ["color:" + fg, "background:" + bg]
        if self.bold:
            parts.append("font-weight:bold")
        if self.dim:
            parts.append("opacity:0.6")
        if self.italic:
            parts.append("font-style:italic")
        deco = [d for d, on in (("underline", self.under), ("line-through", self.strike)) if on]
        if deco:
            parts.append("text-decoration:" + " ".join(deco))
        return ";".join(parts)


def convert(text):
    state = State()
    out = []
    for line in text.rstrip("\n").split("\n"):
        spans = []
        for part in re.split(r"(\x1b\[[0-9;]*m)", line):
            if part.startswith("\x1b["):
                codes = [int(x) if x else 0 for x in part[2:-1].split(";")]
                state.apply(codes)
            elif part:
                spans.append('<span style="%s">%s</span>' % (state.css(), html.escape(part)))
        out.append("".join(spans))
        # tmux resets at line ends only implicitly; keep state as the terminal would.
    return "\n".join(out)


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "heft"
    body = convert(sys.stdin.read())
    print(
        "<!doctype html><html><head><meta charset='utf-8'><title>%s</title><style>"
        "body{margin:0;background:%s}"
        "pre{margin:0;padding:12px;font:15px/1.2 'DejaVu Sans Mono','Liberation Mono',monospace;"
        "color:%s;background:%s}"
        "</style></head><body><pre>%s</pre></body></html>" % (html.escape(title), BG, FG, BG, body)
    )


if __name__ == "__main__":
    main()
