"""Precise push (精准推送): subscriptions by e-mail, organisations' webhooks and WebSub, delivered at
the release instant and never before (the public gate decides)."""
