"""The `statpub` command line: the top layer, composing everything below it."""
