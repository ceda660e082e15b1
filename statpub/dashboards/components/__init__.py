"""Reusable pieces of the pages: the page shell, accessible tables, charts, release details."""
