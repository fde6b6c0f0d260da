"""The Textual front end (guided TUI). It calls the engine in ``wizard``; never the reverse."""
