"""The proactive-disclosure register (主动公开事项目录) on the site: the register and item pages, its
API, search across everything published, staff views of deadlines, and the annual openness report."""
