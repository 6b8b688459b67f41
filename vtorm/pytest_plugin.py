"""pytest fixtures for testing code that talks to Vtiger, registered through `pytest11`.

`vtiger_server` serves a fresh, empty embedded Vtiger; `vtiger_client` is a logged-in
`vtorm.Client` for it.
"""
