"""What the try-on domain announces, for the apps above it to act on (e-mail, webhooks).

Sent with ``.send()`` inside the job's transaction, so a receiver's error propagates as a
direct call's would, and what a receiver records commits or rolls back with the job.
Receivers run in ``INSTALLED_APPS`` order: notifications before webhooks, so the shopper's
e-mail is owed (and queued on commit) before the merchant's webhook event.
"""

from django.dispatch import Signal

#: A job's state changed in a way its shopper's pages are told of (sender: ``TryOnJob``).
#: Keyword argument: ``job``. Receivers act on the final states they care about.
tryon_job_announced = Signal()
