"""Notification delivery: the Lambda functions that the delivery state machine orchestrates.

validate -> (per channel) send_push | send_email -> record_trail. The notification trail record
(schema in ``trail.py``, documented in ``docs/notification-trail.md``) is the evidence of every
delivery attempt; it is written to Data Firehose, which delivers it into the logging account.
"""
