"""Review before publishing (先审查、后公开, 一事一审): checks, disclosure control, approvals bound to
content, schedule changes with notices, and link patrol. Office-side code: it may read warehouse
tables directly; nothing here serves the public (the feeds live in `dashboards/feeds.py` and go
through the gate)."""
