"""An in-process Vtiger 8.0 webservice on SQLite, for tests, demos and development.

It shares no code with vtorm's client, compiler or query sets (only the wire constants in
`vtorm.wire`): if both sides shared a bug, the tests would agree and prove nothing.
"""
