"""The yearly report on open government information (政府信息公开工作年度报告): its tables computed
from the records, its text sections written by staff, as a page and as DOCX."""
