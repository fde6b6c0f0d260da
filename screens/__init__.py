"""The Textual front end (guided TUI). It calls the engine in ``aws_setup_wizard``; never the
reverse."""
