"""What the catalogue announces, for the apps above it to act on (the webhooks, today).

A domain never calls a channel: it sends a signal, and the channel's receivers (connected in
their ``AppConfig.ready()``) act on it. Sent with ``.send()`` inside the change's transaction,
so a receiver's error propagates as a direct call's would, and what a receiver records
commits or rolls back with the change.
"""

from django.dispatch import Signal

#: A garment's stock may have changed (sender: ``Garment``). Keyword arguments: ``garment``,
#: and ``stock_before``, its total stock before the change (None: the garment is new).
garment_stock_changed = Signal()

#: A catalogue import finished, imported or failed (sender: ``CatalogImport``). Keyword
#: argument: ``catalog_import``.
catalog_import_finished = Signal()
