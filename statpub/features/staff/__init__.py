"""Staff accounts for every role (press, reviewer, responder, …): who they are (login name, display
name, organisation, role), their sessions, login and logout at `/staff/login`, throttling that
cannot be raced, locks that the owner's known device or a staff reset get past, alerts on lock.

Other features never import this one: they ask the site who is asking (`current_reader()` in
`statpub.dashboards.services`), and this feature answers through the site's hooks
(`reader_from_request`, `session_cookies`). A feature's staff page adds its link to the staff home
through the `staff_links` hook.
"""
