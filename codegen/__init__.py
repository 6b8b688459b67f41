"""`vtorm generate`: typed Pydantic models rendered from a Vtiger server's describe output."""
