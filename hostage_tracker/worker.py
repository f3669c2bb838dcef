"""The worker's broker consumer: Celery's own, made to survive Redis dying under it.

When Redis goes while the worker holds messages it has reserved but not yet started (a busy pool),
Celery collects the lost connection (which drops kombu's transport) and then closes it; closing the
channel puts the reserved messages back, and kombu 5.7 asks the dropped transport for Redis'
address: `AttributeError: 'NoneType' object has no attribute 'hostname'`. That is not a connection
error, so nothing catches it, and the worker stops for good. Here the close of a connection that is
already lost may fail that way: the messages it could not put back are not lost (each Delivery row
is the record of what is owed; the sweep hands it out again), and the consumer goes on to reconnect.
"""

import logging

from celery.worker.consumer import Consumer as CeleryConsumer

logger = logging.getLogger(__name__)


def lost_connection_close(connection) -> None:
    """Close a broker connection whose broker went away, tolerating kombu's failure above."""
    try:
        type(connection).close(connection)
    except AttributeError as exc:
        logger.warning("the lost broker connection did not close cleanly (%s); reconnecting anyway", exc)


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            # Celery closes it by name (connection.close) inside the method; the rest stays Celery's.
            connection.close = lambda: lost_connection_close(connection)
        super().on_connection_error_after_connected(exc)
