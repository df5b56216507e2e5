"""An app no deployment installs: the platform test installs it to show that an app declares
itself — page, API route, menu entry and group, figure, periodic job and to-do — without a line
changed outside its own package (issue 8 §6)."""
