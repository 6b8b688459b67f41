"""The query layer: `Q`, lookups, the pure VTQL compiler, the page planner, `QuerySet`, `Manager`.

It talks to a server only through the `Backend` protocol and never imports the HTTP client.
"""
