"""The hidden state tabs: what the service remembers between cycles, as plain tables in the sheet itself, so
that the service is stateless and can run anywhere. Every tab's title is declared once, in
sheets_schema/tabs.py (STATE_TABS); each module here owns one tab's columns, its decode (read_…) and its
encode (…_row / …_content):

    key_values       _sfa_state           id high-water marks, layout version
    deals            _sfa_deals           last known values and facts per deal
    events           _sfa_events          every observed change (the history log)
    appointments     _sfa_appointments    appointment calls already turned into a deal and a task
    review_archive   _sfa_review_archive  decisions on deals that left the Manager Review
    reminder_ledger  _sfa_reminders       reminders delivered
    lease            _sfa_lease           which instance holds the sheet
    fit_cache        _sfa_fit             the lead fit score as last learned, and from which history
    (the write capture, _sfa_write_capture, is part of a ChangeSet: sync/core/changes.py)

table.py is what they share: a tab of rows keyed by their first cell, written as cell changes and appends.
"""
