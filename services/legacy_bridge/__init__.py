"""The bridge from the legacy case system: change data capture with Debezium on Kafka Connect.

The legacy database's changes arrive on raw change topics (``<prefix>.public.zaken``,
``<prefix>.public.zaak_statussen``) that are internal to this service: no other team reads them.
"""
