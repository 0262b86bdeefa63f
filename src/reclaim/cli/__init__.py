"""The ``reclaim`` command: thin entry points that call the service layer."""
