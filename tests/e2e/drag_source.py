#!/usr/bin/python3
"""A file manager in miniature: one small window that can be dragged from, offering the given
files or folders as text/uri-list over XDND, the way Nautilus or Thunar offer a folder.

Usage: drag_source.py X Y PATH...

The window is WIDTHxHEIGHT at X,Y (no window manager under Xvfb: the position given is where it
lands). Prints, one per line and flushed:
  ready WINDOW_ID X Y WIDTH HEIGHT   mapped; root coordinates of its drag area
  begin                              the drag started (the pointer left the threshold)
  sent N                             the drop target asked for the data; N URIs given
  failed RESULT                      the drag ended without a drop (GtkDragResult)
  end                                the drag is over
Exits when stdin closes. Run with the system Python (python3-gi, gir1.2-gtk-3.0).
"""

import sys
from pathlib import Path

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

WIDTH, HEIGHT = 160, 100


def say(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]

    win = Gtk.Window(title="byline-e2e-drag-source")
    win.set_default_size(WIDTH, HEIGHT)
    win.move(x, y)
    # The whole window is the drag area, so "press in the middle" needs no widget layout.
    area = Gtk.EventBox()
    area.add(Gtk.Label(label="photos"))
    win.add(area)
    area.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    area.drag_source_add_uri_targets()

    def on_data_get(_widget, _ctx, data, _info, _time):
        data.set_uris(uris)
        say(f"sent {len(uris)}")

    def on_failed(_widget, _ctx, result):
        say(f"failed {result.value_nick}")
        return False

    def on_mapped(widget, _event):
        # Report where the pointer has to press, in root coordinates, once X has placed it.
        gdk_win = widget.get_window()
        _, ox, oy = gdk_win.get_origin()
        alloc = widget.get_allocation()
        say(f"ready {gdk_win.get_xid()} {ox} {oy} {alloc.width} {alloc.height}")
        return False

    area.connect("drag-data-get", on_data_get)
    area.connect("drag-begin", lambda *_: say("begin"))
    area.connect("drag-failed", on_failed)
    area.connect("drag-end", lambda *_: say("end"))
    win.connect("map-event", on_mapped)
    win.connect("destroy", Gtk.main_quit)

    def on_stdin(_source, _cond):
        Gtk.main_quit()
        return False

    GLib.io_add_watch(sys.stdin, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    win.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
