"""Feeds yield envelopes after a tracked position: from a notification log or from Kafka topics."""
