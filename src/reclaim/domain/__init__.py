"""The domain core: councils, parties, properties, accounts, the ledger, payments and schedules.

Plain Python with no database, file, web or CLI code. Every rule here takes the dates it acts
on as arguments; nothing reads the clock.
"""
