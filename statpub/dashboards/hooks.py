"""The hooks the site offers to features (pre-release access, and whatever plugs in next), the way
datasette asks its plugins `actor_from_request`. The site never imports a feature: features are
found through the `statpub.features` entry points (pyproject.toml) or handed to `create_app`.

Each hook is a plain function a feature implements with `@hookimpl`; pluggy calls every
implementation (or, where marked, stops at the first answer).
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

PROJECT = "statpub"
ENTRY_POINTS = "statpub.features"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class SiteHooks:
    @hookspec
    def install_site(self, app):
        """Register the feature's routes, pages and request handlers on the Dash app (once)."""

    @hookspec(firstresult=True)
    def reader_from_request(self, request, services):
        """Who is asking: a `Reader` for a signed-in account, or None to leave it to others (and,
        failing all, to the public). Asked once per request, from the request's cookies only."""

    @hookspec
    def session_cookies(self):
        """Names of cookies that mark a signed-in reader: answers to such requests are private
        (never memoised for the public, never cacheable)."""

    @hookspec
    def page_banners(self, gate, lang):
        """Components shown above every page's content for this gate's reader (pure: no logging)."""

    @hookspec
    def record_prerelease_access(self, gate, release_ids, what, path, file_name, sha256):
        """This answer shows `gate.reader` the figures or texts of `release_ids` before their
        instant: record it. Raise to withhold the answer (nothing is handed out unlogged)."""

    @hookspec
    def feed_hubs(self):
        """WebSub hub URLs the Atom feeds declare (`<link rel="hub">`): a list, maybe empty."""

    @hookspec
    def page_blocks(self, gate, lang, subject):
        """Sections a feature adds to the site page about `subject` — "release:<id>",
        "series:<code>" or "topic:<code>" — for this gate's reader (e.g. questions and answers, a
        message form). Called only for subjects the gate shows the public; a list of components."""

    @hookspec
    def page_state(self):
        """A short, hashable value naming the state of the feature's own records that its
        `page_blocks` show the public (e.g. a version bumped whenever a reply is published), or
        None when it shows none. Part of the page memo's key, so a change is on the pages at once
        while pages stay rendered once per state. Asked for every public page request: keep it to
        one small read."""

    @hookspec
    def nav_links(self, lang):
        """Links a feature adds to the site's main navigation: a list of (label, path)."""

    @hookspec
    def api_paths(self):
        """What a feature adds to the API's OpenAPI document: {"paths": {...}, "schemas": {...}}."""

    @hookspec
    def searchable_documents(self, settings, gate):
        """Texts this feature publishes, for the site's search: a list of dicts with `id` (unique
        within the feature), `kind` (e.g. "faq"), `lang`, `title`, `body`, `url` and optionally
        `published` (ISO instant). Only what `gate` — always the public gate — shows now: the index
        is shared by everyone."""

    @hookspec
    def annual_report_sections(self, settings, year):
        """Sections of the yearly report on open government information (政府信息公开工作年度报告)
        computed from this feature's records for `year`: a list of dicts with `number` (the section's
        place in the report), `title` {zh, en} and `tables`, each {caption {zh, en}, columns [{zh,
        en}], rows [[{zh, en} label, numbers…]]}. Counts only, never personal data."""

    @hookspec(firstresult=True)
    def prerelease_access_list(self, gate, release_id):
        """Who had pre-release access to a release, for its page once public: a list of
        (published name, role) — a display name and organisation, never a login name — or None
        while it is not public (or nobody keeps such a list)."""

    @hookspec
    def staff_links(self, reader):
        """The staff pages a feature offers this signed-in reader (by role), for the staff home:
        a list of (path, Chinese label, English label)."""


def plugin_manager(plugins: Iterable[object] | None = None) -> pluggy.PluginManager:
    """The site's plugins: `plugins` when given (tests, a trimmed site), else every installed
    feature's entry point."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(SiteHooks)
    if plugins is None:
        manager.load_setuptools_entrypoints(ENTRY_POINTS)
    else:
        for plugin in plugins:
            manager.register(plugin)
    return manager
