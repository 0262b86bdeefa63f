"""The service layer: each thing an officer, a file or a batch asks of Reclaim, as one function.

The CLI, the importers and (later) the web pages and API all call these; none of them holds
business logic of its own. A service takes a connection inside a unit of work and never commits.
"""
