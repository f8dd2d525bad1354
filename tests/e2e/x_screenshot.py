#!/usr/bin/python3
"""Saves the X display as the user sees it (the whole root window) to a PNG: x_screenshot.py OUT.

The window tests capture through X rather than WebDriver: WebKitWebDriver's screenshot command
never returns once the page has shown the Publish panel when WebKitGTK paints without GL
compositing (Byline's choice on machines without a GPU render node), and the X capture is what
is on screen, GTK menu bar included."""
import sys

import gi

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

root = Gdk.get_default_root_window()
if root is None:
    sys.exit("x_screenshot: no X display (DISPLAY unset?)")
w, h = root.get_width(), root.get_height()
pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, w, h)
if pixbuf is None:
    sys.exit("x_screenshot: could not read the root window")
pixbuf.savev(sys.argv[1], "png", [], [])
