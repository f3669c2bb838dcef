"""Delivering events: fan-out to subscribers and partners, transports, retries and the sweep."""
