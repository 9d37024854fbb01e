"""The staff work UI's read and write side: queues, saved filters, bulk actions, comments,
drafts, the supervisor dashboard and the case diagram. Operations flush; callers commit."""
