"""The public asks, the office answers: the policy message board (政策留言板) with replies due in
working days and reviewed before they are published (先审查后公开), FAQ lists built from the
questions (常见问题与解答), statistics, and applications for government information (依申请公开)
on the legal clock. Plugs into the site through its hooks only (`plugin.py`)."""
