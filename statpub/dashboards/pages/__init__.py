"""One module per page type. Each exposes `register(app)`, called by the app factory; layouts are
plain functions of (gate, lang, query) so tests call them directly."""
