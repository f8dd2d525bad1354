#!/usr/bin/python3
"""Owns the X CLIPBOARD with rich content, as a word processor does after Ctrl+C.

Usage: clipboard_owner.py HTML_FILE TEXT_FILE

Offers text/html (the HTML file's bytes) and the usual text targets (UTF8_STRING, text/plain, ...:
the text file) at once. xclip serves one target per process, and a paste that finds only
text/html never reaches Byline's Rust cleanup (the editor cleans text/plain), so the E2E needs an
owner that offers both, like Word or LibreOffice do.

Prints "owner" once it owns the selection, "lost" and exits when another client takes the
selection over (the app's own Ctrl+C does). Run with the system Python: python3-gi and
gir1.2-gtk-3.0 are installed for /usr/bin/python3.
"""

import sys

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

HTML_INFO = 1
TEXT_INFO = 2


def main() -> None:
    html_path, text_path = sys.argv[1:3]
    with open(html_path, "rb") as f:
        html = f.read()
    with open(text_path, "rb") as f:
        text = f.read().decode("utf-8")

    clipboard = Gdk.Atom.intern("CLIPBOARD", False)
    html_atom = Gdk.Atom.intern("text/html", False)
    # An invisible widget owns the selection: no window to map, nothing for focus to land on.
    owner = Gtk.Invisible()
    Gtk.selection_add_target(owner, clipboard, html_atom, HTML_INFO)
    for name in ("UTF8_STRING", "text/plain;charset=utf-8", "text/plain", "STRING", "TEXT"):
        Gtk.selection_add_target(owner, clipboard, Gdk.Atom.intern(name, False), TEXT_INFO)

    def on_get(_widget, data, info, _time):
        if info == HTML_INFO:
            data.set(html_atom, 8, html)
        else:
            data.set_text(text, -1)

    def on_clear(_widget, _event):
        print("lost", flush=True)
        Gtk.main_quit()
        return True

    owner.connect("selection-get", on_get)
    owner.connect("selection-clear-event", on_clear)
    if not Gtk.selection_owner_set(owner, clipboard, Gdk.CURRENT_TIME):
        sys.exit("could not take the CLIPBOARD selection")
    print("owner", flush=True)
    Gtk.main()


if __name__ == "__main__":
    main()
