"""The model layer: `Model`, field specs, value conversion, references, reverse relations,
inventory records and the sync change feed.
"""
