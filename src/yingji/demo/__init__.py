"""The embedded demo: a realistic Taizhou (台州市) in one SQLite file.

`generate` draws the enterprises (deterministic, no database); `seed` writes them and
the people, organizations, villages and grids through the ordinary services.
"""
